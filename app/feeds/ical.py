"""iCalendar (RFC 5545): one VEVENT per schedule, recurring by RRULE in Europe/London."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Timezone, vGeo, vText
from icalendar.parser import Contentline

from app.assets.models import Asset, Schedule
from app.core.config import get_settings
from app.core.geo import latlon_of
from app.core.time import Frequency, local_now, next_occurrence, rrule_text, zone

PRODID = "-//Waymark//Recovery directory//EN"
HORIZON = timedelta(days=400)
EVENTS_CACHED = 50_000  # about 400 bytes each: 20 MB at most
FOLD_AT = 75  # octets: longer lines are folded (RFC 5545 3.1)


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
    """One VEVENT as bytes. Text is escaped and long lines folded by the icalendar library; the
    content lines are put together here: through the library's generic property machinery
    (type inference, parameter objects, folding every line character by character) 10,000
    events took 2.4 s, most of a whole-feed build; now 0.2 s. Feeds are parsed back with
    icalendar in the tests. A feed rebuilt after one entry changed serialises only that one
    (the cache)."""
    tzid = f";TZID={get_settings().timezone}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(spec.uid)}",
        f"DTSTAMP:{_when(spec.dtstamp)}",
        f"SUMMARY:{_text(spec.summary)}",
        f"DTSTART{tzid}:{_when(spec.dtstart)}",
        f"DTEND{tzid}:{_when(spec.dtend)}",
    ]
    if spec.rule:
        lines.append(f"RRULE:{spec.rule}")
    if spec.rdates:
        lines.append(f"RDATE{tzid}:{','.join(_when(d) for d in spec.rdates)}")
    if spec.exdates:
        lines.append(f"EXDATE{tzid}:{','.join(_when(d) for d in spec.exdates)}")
    lines += [f"LOCATION:{_text(spec.location)}", f"URL:{spec.url}"]
    if spec.description:
        lines.append(f"DESCRIPTION:{_text(spec.description)}")
    if spec.geo is not None:
        lines.append(f"GEO:{vGeo(spec.geo).to_ical()}")
    lines.append("END:VEVENT")
    return b"".join(_folded(line) for line in lines)


def _text(value: str) -> str:
    return vText(value).to_ical().decode()


def _when(value: datetime) -> str:
    """RFC 5545 DATE-TIME: local times as their wall clock (the line's TZID names the zone),
    UTC ones ending in Z (the library's form, without its zone lookups: 0.4 s a feed)."""
    utc = value.tzinfo is not None and value.tzname() == "UTC"
    return value.strftime("%Y%m%dT%H%M%S") + ("Z" if utc else "")


def _folded(line: str) -> bytes:
    """A content line as RFC 5545 bytes, folded where longer than 75 octets. The library folds
    character by character, encoding each (a third of building all.ics at 10,000 meetings,
    whose descriptions are long): an ASCII line, one octet a character, is cut in slices
    where the library would cut it (tests compare both); others go through the library."""
    encoded = line.encode()
    if len(encoded) < FOLD_AT:
        return encoded + b"\r\n"
    if len(encoded) == len(line):
        return _folded_ascii(line).encode() + b"\r\n"
    folded: bytes = Contentline(line).to_ical()  # type: ignore[no-untyped-call]
    return folded + b"\r\n"


def _folded_ascii(line: str) -> str:
    """As the library folds: 74 characters a line (the continuation's leading space aside),
    and an escape's backslash (or a parameter's caret) never left at a line's end."""
    width, parts, start = FOLD_AT - 1, [], 0
    while len(line) - start > width:
        end = start + width
        if line[end - 1] in "\\^":
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return "\r\n ".join(parts)


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
