"""A printable listing: one town (or borough), grouped for paper, gathered once and rendered
as HTML (browser print) or PDF."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import segno
from sqlmodel import Session

from app.assets.meeting_types import meeting_types
from app.assets.models import AssetKind
from app.assets.present import asset_public
from app.assets.schemas import AssetPublic
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core.config import get_settings
from app.core.labels import ACCESS_SYMBOLS
from app.core.time import DAY_CODES
from app.places.models import Place, PlaceKind
from app.venues.models import ACCESS_LABELS, AccessFeature

PRINT_KIND_ORDER = (
    AssetKind.meeting, AssetKind.bumping_space, AssetKind.volunteering, AssetKind.club,
    AssetKind.course, AssetKind.employment, AssetKind.peer_support, AssetKind.service,
)  # fmt: skip
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CANCELLED_WINDOW = timedelta(days=14)
JUST_OUTSIDE_MILES = 2.0


@dataclass
class PrintEntry:
    item: AssetPublic
    when: str
    where: str
    cancelled: list[date]


@dataclass
class PrintSection:
    kind: AssetKind
    # (day heading or None, entries); meetings are by day of week, the rest by name.
    days: list[tuple[str | None, list[PrintEntry]]]


@dataclass
class PrintListing:
    place: Place
    title: str
    subtitle: str | None
    correct_on: str
    url: str
    qr_data_uri: str
    sections: list[PrintSection]
    nearby: list[PrintEntry]
    codes: list[tuple[str, str]]
    access_legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def entry_count(self) -> int:
        return sum(len(e) for s in self.sections for _, e in s.days)


def correct_on(today: date) -> str:
    return f"Correct on {today.day} {today.strftime('%B %Y')} — check the website for changes"


def _entry(item: AssetPublic, today: date) -> PrintEntry:
    v = item.venue
    where = ", ".join(p for p in (v.name, v.address_line1, v.postcode) if p) if v else "Online"
    soon = today + CANCELLED_WINDOW
    cancelled = sorted({d for s in item.schedules for d in s.cancelled_dates if today <= d <= soon})
    when = "; ".join(s.description for s in item.schedules) or "By arrangement"
    return PrintEntry(item=item, when=when, where=where, cancelled=cancelled)


def _first_slot(item: AssetPublic) -> tuple[int, str]:
    """(weekday, start) of the earliest weekly slot; 7 for entries with no fixed weekday."""
    slots = [
        (DAY_CODES.index(d), s.start_time)
        for s in item.schedules
        if s.frequency in ("weekly", "monthly_nth")
        for d in s.weekdays
    ]
    return min(slots) if slots else (7, "")


def build_sections(entries: list[PrintEntry]) -> list[PrintSection]:
    """Each entry once: meetings under their first weekday, by time; other kinds by name."""
    sections = []
    for kind in PRINT_KIND_ORDER:
        of_kind = [e for e in entries if e.item.kind == kind]
        if not of_kind:
            continue
        if kind != AssetKind.meeting:
            sections.append(
                PrintSection(kind, [(None, sorted(of_kind, key=lambda e: e.item.name.lower()))])
            )
            continue
        of_kind.sort(key=lambda e: (_first_slot(e.item), e.item.name.lower()))
        days: list[tuple[str | None, list[PrintEntry]]] = []
        for entry in of_kind:
            day = _first_slot(entry.item)[0]
            heading = DAY_NAMES[day] if day < 7 else "Other dates"
            if not days or days[-1][0] != heading:
                days.append((heading, []))
            days[-1][1].append(entry)
        sections.append(PrintSection(kind, days))
    return sections


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").png_data_uri(scale=4, border=2))


def build_listing(
    session: Session, *, place: Place, params: SearchParams, now: datetime, subtitle: str | None
) -> PrintListing:
    scoped = params.model_copy(update={"town": place.slug, "page": 1})
    result = search_assets(session, params=scoped, paginate=False, now=now)
    today = result.now.date()
    entries = [_entry(asset_public(h, result.towns, result.now), today) for h in result.hits]
    nearby: list[PrintEntry] = []
    if place.kind == PlaceKind.town:
        outside = search_assets(
            session,
            params=params.model_copy(update={"town": None, "kind": [AssetKind.meeting], "page": 1}),
            paginate=False, around=place, around_miles=JUST_OUTSIDE_MILES, now=now,
        )  # fmt: skip
        nearby = [_entry(asset_public(h, outside.towns, outside.now), today) for h in outside.hits]
    types = meeting_types()
    used = sorted({c for e in entries + nearby for c in e.item.types})
    used_access = {a for e in entries + nearby if e.item.venue for a in e.item.venue.accessibility}
    url = f"{get_settings().base_url}/towns/{place.slug}"
    return PrintListing(
        place=place,
        title=f"Recovery support in {place.name}",
        subtitle=subtitle,
        correct_on=correct_on(today),
        url=url,
        qr_data_uri=qr_data_uri(url),
        sections=build_sections(entries),
        nearby=sorted(nearby, key=lambda e: (_first_slot(e.item), e.item.name.lower())),
        codes=[(c, types.get(c, c)) for c in used],
        access_legend=[
            (ACCESS_SYMBOLS[a], ACCESS_LABELS[a]) for a in AccessFeature if a in used_access
        ],
    )
