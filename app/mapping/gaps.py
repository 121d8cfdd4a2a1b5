"""What there isn't: kinds and fellowships missing from each town (the gap report)."""

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from app.assets.models import Asset, AssetKind, AssetStatus
from app.assets.present import asset_public
from app.assets.schemas import AssetPublic
from app.assets.search import search_assets
from app.assets.search_params import SearchParams, Sort
from app.mapping.models import EmptySearch
from app.places.models import Place, PlaceKind
from app.venues.models import Venue

# Fellowships whose absence from a town is worth saying out loud.
CORE_FELLOWSHIPS = ("AA", "NA", "CA", "SMART")


@dataclass
class FellowshipGap:
    fellowship: str
    nearest: AssetPublic | None


@dataclass
class TownGaps:
    town: Place
    missing_kinds: list[AssetKind]
    missing_fellowships: list[str]


def fellowships_in(session: Session, town: Place) -> set[str]:
    rows = session.execute(
        select(col(Asset.fellowship))
        .join(Venue, col(Venue.id) == col(Asset.venue_id))
        .where(
            col(Venue.town_id) == town.id,
            col(Asset.status) == AssetStatus.published,
            col(Asset.kind) == AssetKind.meeting,
            col(Asset.fellowship).is_not(None),
        )
        .distinct()
    ).scalars()
    return {f for f in rows if f}


def fellowship_gaps(session: Session, town: Place) -> list[FellowshipGap]:
    """For each core fellowship with no meeting in the town, the nearest one anywhere."""
    present = fellowships_in(session, town)
    gaps = []
    for fellowship in CORE_FELLOWSHIPS:
        if fellowship in present:
            continue
        nearest = search_assets(
            session,
            params=SearchParams(
                near=town.name, radius=50, kind=[AssetKind.meeting], fellowship=fellowship,
                sort=Sort.distance, per_page=1,
            ),
        )  # fmt: skip
        hit = [asset_public(h, nearest.towns, nearest.now) for h in nearest.hits]
        gaps.append(FellowshipGap(fellowship, hit[0] if hit else None))
    return gaps


def town_gaps(session: Session) -> list[TownGaps]:
    """Every town with the kinds and core fellowships it has nothing of."""
    towns = session.execute(
        select(Place).where(col(Place.kind) == PlaceKind.town).order_by(col(Place.name))
    ).scalars()
    report = []
    for town in towns:
        kinds = set(
            session.execute(
                select(col(Asset.kind), func.count())
                .join(Venue, col(Venue.id) == col(Asset.venue_id))
                .where(col(Venue.town_id) == town.id, col(Asset.status) == AssetStatus.published)
                .group_by(col(Asset.kind))
            ).scalars()
        )
        present = fellowships_in(session, town)
        report.append(
            TownGaps(
                town=town,
                missing_kinds=[k for k in AssetKind if k not in kinds],
                missing_fellowships=[f for f in CORE_FELLOWSHIPS if f not in present],
            )
        )
    return report


@dataclass
class NearestMeeting:
    fellowship: str
    town: str
    name: str | None
    distance_miles: float | None
    in_town: bool


@dataclass
class GapReport:
    towns: list[str]
    kind_counts: dict[str, dict[AssetKind, int]]
    meeting_days: dict[str, list[int]]  # Monday … Sunday
    nearest: list[NearestMeeting]
    empty_searches: list[tuple[str, int]]  # (area, searches that found nothing)


def gap_report(session: Session) -> GapReport:
    towns = list(
        session.execute(
            select(Place).where(col(Place.kind) == PlaceKind.town).order_by(col(Place.name))
        ).scalars()
    )
    names = [t.name for t in towns]
    kind_counts: dict[str, dict[AssetKind, int]] = {n: dict.fromkeys(AssetKind, 0) for n in names}
    for town, kind, n in session.execute(
        select(col(Place.name), col(Asset.kind), func.count())
        .join(Venue, col(Venue.town_id) == col(Place.id))
        .join(Asset, col(Asset.venue_id) == col(Venue.id))
        .where(col(Asset.status) == AssetStatus.published)
        .group_by(col(Place.name), col(Asset.kind))
    ):
        kind_counts[town][AssetKind(kind)] = int(n)
    meeting_days = {n: [0] * 7 for n in names}
    for town, day, n in session.execute(
        text(
            "SELECT p.name, d.day, count(DISTINCT a.id) FROM asset a "
            "JOIN venue v ON v.id = a.venue_id JOIN place p ON p.id = v.town_id "
            "JOIN schedule s ON s.asset_id = a.id, unnest(s.weekdays) AS d(day) "
            "WHERE a.status = 'published' AND a.kind = 'meeting' GROUP BY p.name, d.day"
        )
    ):
        meeting_days[town][day] = int(n)
    nearest = []
    for town in towns:
        present = fellowships_in(session, town)
        for fellowship in CORE_FELLOWSHIPS:
            found = search_assets(
                session,
                params=SearchParams(near=town.name, radius=50, kind=[AssetKind.meeting],
                                    fellowship=fellowship, sort=Sort.distance, per_page=1),
            )  # fmt: skip
            hit = found.hits[0] if found.hits else None
            nearest.append(
                NearestMeeting(
                    fellowship=fellowship,
                    town=town.name,
                    name=hit.asset.name if hit else None,
                    distance_miles=hit.distance_miles if hit else None,
                    in_town=fellowship in present,
                )  # fmt: skip
            )
    empty = session.execute(
        select(func.coalesce(col(EmptySearch.area), "(anywhere)"), func.count())
        .group_by(col(EmptySearch.area))
        .order_by(func.count().desc())
        .limit(20)
    ).all()
    return GapReport(
        towns=names, kind_counts=kind_counts, meeting_days=meeting_days, nearest=nearest,
        empty_searches=[(str(a), int(n)) for a, n in empty],
    )  # fmt: skip
