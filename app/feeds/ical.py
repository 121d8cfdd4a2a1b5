"""iCalendar (RFC 5545): one VEVENT per schedule, recurring by RRULE in Europe/London."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vRecur

from app.assets.models import Asset, Schedule
from app.core.config import get_settings
from app.core.geo import latlon_of
from app.core.time import Frequency, local_now, next_occurrence, rrule_text, zone

PRODID = "-//Waymark//Recovery directory//EN"
HORIZON = timedelta(days=400)
EVENTS_CACHED = 50_000  # about 400 bytes each: 20 MB at most


def _where(asset: Asset) -> str:
    if asset.venue is None:
        return asset.online_url or "Online"
    v = asset.venue
    return ", ".join(p for p in (v.name, v.address_line1, v.locality, v.postcode) if p)


@dataclass(frozen=True)
class _EventSpec:
    """Everything one VEVENT says: equal specs give equal bytes, so they are cached."""

    uid: str
    dtstamp: datetime
    summary: str
    dtstart: datetime
    dtend: datetime
    location: str
    url: str
    description: str
    geo: tuple[float, float] | None
    rule: str | None = None
    rdates: tuple[datetime, ...] = ()
    exdates: tuple[datetime, ...] = ()


def _spec(asset: Asset, schedule: Schedule, now: datetime) -> _EventSpec | None:
    """The schedule's occurrences from now on; None when it has none left."""
    first = next_occurrence([schedule], now, horizon_days=HORIZON.days)
    if first is None:
        return None
    base = get_settings().base_url
    description = asset.description or ""
    if asset.online_url:
        description += f"\n\nJoin online: {asset.online_url}"
    point = latlon_of(asset.venue.location) if asset.venue is not None else None
    spec = _EventSpec(
        uid=f"asset-{asset.id}-schedule-{schedule.id}@{base.split('//')[-1]}",
        # With no METHOD, DTSTAMP is when the information last changed (RFC 5545 3.8.7.2).
        dtstamp=(asset.updated_at or now).astimezone(zone("UTC")),
        summary=asset.name, location=_where(asset), url=f"{base}/assets/{asset.id}",
        description=description.strip(), dtstart=first.start, dtend=first.end,
        geo=(point.latitude, point.longitude) if point else None,
    )  # fmt: skip
    if schedule.frequency == Frequency.once:
        later = [d for d in sorted(schedule.dates) if d > first.start.date()]
        on = [datetime.combine(d, schedule.start_time, tzinfo=zone()) for d in later]
        return replace(spec, rdates=tuple(on))
    cancelled = [
        datetime.combine(d, schedule.start_time, tzinfo=zone())
        for d in schedule.cancelled_dates
        if d >= first.start.date()
    ]
    return replace(spec, rule=rrule_text(schedule) or None, exdates=tuple(cancelled))


@lru_cache(maxsize=EVENTS_CACHED)
def _vevent(spec: _EventSpec) -> bytes:
    """One VEVENT as bytes. Serialising is most of a calendar's cost (about 0.4 ms an event in
    the icalendar library): a feed rebuilt after one entry changed serialises only that one."""
    event = Event()
    for key in ("uid", "dtstamp", "summary", "dtstart", "dtend", "location", "url", "description"):
        event.add(key, getattr(spec, key))  # the spec's fields are named after the properties
    if spec.geo is not None:
        event.add("geo", spec.geo)
    if spec.rdates:
        event.add("rdate", list(spec.rdates))
    if spec.rule:
        event.add("rrule", vRecur.from_ical(spec.rule))
    if spec.exdates:
        event.add("exdate", list(spec.exdates))
    ical: bytes = event.to_ical()
    return ical


END = b"END:VCALENDAR\r\n"


def calendar_for(assets: Iterable[Asset], *, name: str, now: datetime | None = None) -> bytes:
    now = now or local_now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", get_settings().timezone)
    # Every time is in the service's zone: one VTIMEZONE covering the span events can fall in.
    cal.add_component(
        Timezone.from_tzinfo(
            zone(), tzid=get_settings().timezone, first_date=now.date() - timedelta(days=366),
            last_date=now.date() + 2 * HORIZON,
        )
    )  # fmt: skip
    specs = (_spec(asset, schedule, now) for asset in assets for schedule in asset.schedules)
    events = b"".join(_vevent(spec) for spec in specs if spec is not None)
    head: bytes = cal.to_ical()
    assert head.endswith(END)
    return head[: -len(END)] + events + END
