"""iCalendar (RFC 5545): one VEVENT per schedule, recurring by RRULE in Europe/London."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vRecur

from app.assets.models import Asset, Schedule
from app.core.config import get_settings
from app.core.geo import latlon_of
from app.core.time import Frequency, local_now, next_occurrence, rrule_text, zone

PRODID = "-//Waymark//Recovery directory//EN"
HORIZON = timedelta(days=400)


def _where(asset: Asset) -> str:
    if asset.venue is None:
        return asset.online_url or "Online"
    v = asset.venue
    return ", ".join(p for p in (v.name, v.address_line1, v.locality, v.postcode) if p)


def _event(asset: Asset, schedule: Schedule, now: datetime) -> Event | None:
    """The schedule's occurrences from now on; None when it has none left."""
    first = next_occurrence([schedule], now, horizon_days=HORIZON.days)
    if first is None:
        return None
    event = Event()
    host = get_settings().base_url.split("//")[-1]
    event.add("uid", f"asset-{asset.id}-schedule-{schedule.id}@{host}")
    event.add("dtstamp", now.astimezone(zone("UTC")))
    event.add("summary", asset.name)
    event.add("dtstart", first.start)
    event.add("dtend", first.end)
    event.add("location", _where(asset))
    event.add("url", f"{get_settings().base_url}/assets/{asset.id}")
    description = asset.description or ""
    if asset.online_url:
        description += f"\n\nJoin online: {asset.online_url}"
    event.add("description", description.strip())
    if asset.venue is not None:
        point = latlon_of(asset.venue.location)
        event.add("geo", (point.latitude, point.longitude))
    if schedule.frequency == Frequency.once:
        later = [d for d in sorted(schedule.dates) if d > first.start.date()]
        if later:
            event.add(
                "rdate", [datetime.combine(d, schedule.start_time, tzinfo=zone()) for d in later]
            )
        return event
    rule = rrule_text(schedule)
    if rule:
        event.add("rrule", vRecur.from_ical(rule))
    cancelled = [
        datetime.combine(d, schedule.start_time, tzinfo=zone())
        for d in schedule.cancelled_dates
        if d >= first.start.date()
    ]
    if cancelled:
        event.add("exdate", cancelled)
    return event


def calendar_for(assets: Iterable[Asset], *, name: str, now: datetime | None = None) -> bytes:
    now = now or local_now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", get_settings().timezone)
    for asset in assets:
        for schedule in asset.schedules:
            event = _event(asset, schedule, now)
            if event is not None:
                cal.add_component(event)
    # VTIMEZONE covering the span events can fall in, not the whole tz database history.
    cal.add_missing_timezones(
        first_date=now.date() - timedelta(days=366), last_date=now.date() + 2 * HORIZON
    )
    ical: bytes = cal.to_ical()
    return ical
