"""iCalendar feeds (RFC 5545) from venues, clubs and services.

A recurring VEVENT becomes one entry whose RRULE maps onto our schedule model (weekly every N
weeks, nth or last weekday of the month, day of the month; UNTIL, EXDATE and cancelled
instances kept). A rule we cannot express is expanded into one-off dates for the next half year.
One-off VEVENTs with the same summary, place and time are one entry with several dates (a club
that posts each session as its own event). Times are converted to Europe/London wall clock."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import rrulestr
from icalendar import Calendar

from app.core.text import slugify
from app.core.time import zone
from scrapers.base import ImportRecord, Payload, SourceError, SourceOptions, as_payload
from scrapers.meeting_guide import POSTCODE_IN_TEXT, plain

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EXPAND_DAYS = 183  # how far ahead a rule we cannot express is written out as dates
ONLINE_HOSTS = ("zoom.us", "meet.google.com", "teams.microsoft.com", "whereby.com", "meet.jit.si")


def _london(value: Any) -> datetime | None:
    """A DTSTART/DTEND value as London wall-clock time; None for all-day dates."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:  # "floating" time: already local
        return value
    return value.astimezone(zone()).replace(tzinfo=None)


def _part(byday: str) -> tuple[int | None, int]:
    """'2TH' → (2, 3); '-1FR' → (-1, 4); 'MO' → (None, 0)."""
    ordinal, code = byday[:-2], byday[-2:].upper()
    return (int(ordinal) if ordinal not in ("", "+") else None), DAYS.index(code)


def _schedule(rule: dict[str, list[Any]], start: datetime) -> dict[str, Any] | None:
    """An RRULE our model can hold, as a schedule; None if it cannot."""
    freq = str(rule.get("FREQ", [""])[0]).upper()
    interval = int(rule.get("INTERVAL", [1])[0])
    bydays = [_part(str(d)) for d in rule.get("BYDAY", [])]
    setpos = [int(p) for p in rule.get("BYSETPOS", [])]
    if rule.get("COUNT"):
        return None
    if freq == "WEEKLY" and all(n is None for n, _ in bydays):
        return {"frequency": "weekly", "interval": interval,
                "weekdays": sorted({d for _, d in bydays} or {start.weekday()})}  # fmt: skip
    if freq == "MONTHLY" and interval == 1 and len(bydays) == 1:
        nth = (
            bydays[0][0] if bydays[0][0] is not None else (setpos[0] if len(setpos) == 1 else None)
        )
        if nth is not None and -1 <= nth <= 5 and nth != 0:
            return {"frequency": "monthly_nth", "weekdays": [bydays[0][1]], "nth_week": nth}
    if freq == "MONTHLY" and interval == 1 and not bydays:
        days = [int(d) for d in rule.get("BYMONTHDAY", [start.day])]
        if len(days) == 1 and 1 <= days[0] <= 31:
            return {"frequency": "monthly_day", "month_day": days[0]}
    return None


def _dates(prop: Any) -> list[date]:
    """EXDATE/RDATE values (one property or several) as London dates."""
    props = prop if isinstance(prop, list) else [prop] if prop is not None else []
    found = []
    for p in props:
        for item in p.dts:
            value = _london(item.dt)
            found.append(value.date() if value else item.dt)
    return sorted(set(found))


def _where(event: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(venue, online link) from LOCATION, GEO, CONFERENCE and URL-looking text."""
    text = plain(event.get("LOCATION")) or ""
    link = str(event.get("CONFERENCE") or event.get("X-GOOGLE-CONFERENCE") or "") or None
    if text.startswith(("http://", "https://")):
        return None, text.split()[0]
    description = str(event.get("DESCRIPTION") or "")
    link = link or next((w for w in description.split() if any(h in w for h in ONLINE_HOSTS)), None)
    if not text:
        return None, link
    parts = [p.strip() for p in text.split(",") if p.strip()]
    postcode = next(iter(POSTCODE_IN_TEXT.findall(text)), None)
    venue: dict[str, Any] = {
        "name": parts[0],
        "address_line1": parts[1] if len(parts) > 2 else None,
        "locality": POSTCODE_IN_TEXT.sub("", parts[-1]).strip() or None if len(parts) > 1 else None,
        "postcode": postcode.upper() if postcode else None,
    }
    geo = event.get("GEO")
    if geo is not None and (geo.latitude or geo.longitude):
        venue["latitude"], venue["longitude"] = float(geo.latitude), float(geo.longitude)
    return venue, link


def _fields(event: Any, schedules: list[dict[str, Any]], options: SourceOptions,
            external_id: str) -> dict[str, Any]:  # fmt: skip
    venue, link = _where(event)
    attendance = "hybrid" if venue and link else "online" if link else "in_person"
    fields: dict[str, Any] = {
        "kind": options.default_kind or ("meeting" if options.fellowship else "club"),
        "name": plain(event.get("SUMMARY")) or "",
        "description": plain(event.get("DESCRIPTION")),
        "fellowship": options.fellowship,
        "attendance": attendance,
        "online_url": link,
        "website": str(event.get("URL")) if event.get("URL") else None,
        "schedules": schedules,
        "source": options.name,
        "external_id": external_id,
    }
    if venue:
        fields["venue"] = venue
    return fields


def _span(event: Any) -> tuple[datetime | None, datetime | None]:
    start = _london(event.decoded("DTSTART")) if event.get("DTSTART") else None
    end = _london(event.decoded("DTEND")) if event.get("DTEND") else None
    if start is not None and end is None and event.get("DURATION"):
        end = start + event.decoded("DURATION")
    return start, end


def _times(start: datetime, end: datetime | None) -> dict[str, time | None]:
    return {"start_time": start.time(), "end_time": end.time() if end else None}


def _cancelled_instances(events: list[Any]) -> dict[str, set[date]]:
    """Single instances of a series cancelled with RECURRENCE-ID and STATUS:CANCELLED."""
    cancelled: dict[str, set[date]] = {}
    for event in events:
        if event.get("RECURRENCE-ID") and str(event.get("STATUS", "")).upper() == "CANCELLED":
            when = _london(event.decoded("RECURRENCE-ID"))
            if when is not None:
                cancelled.setdefault(str(event.get("UID")), set()).add(when.date())
    return cancelled


def _series(event: Any, start: datetime, end: datetime | None, today: date,
            cancelled: set[date]) -> list[dict[str, Any]]:  # fmt: skip
    rule = event.get("RRULE")
    schedule = _schedule(dict(rule), start)
    if schedule is None:  # a rule we cannot hold: written out as dates
        window = (datetime.combine(today, time.min),
                  datetime.combine(today + timedelta(days=EXPAND_DAYS), time.max))  # fmt: skip
        occurrences = rrulestr(rule.to_ical().decode(), dtstart=start).between(*window, inc=True)
        schedule = {"frequency": "once", "dates": sorted({d.date() for d in occurrences})}
    else:
        schedule["valid_from"] = start.date()
        until = rule.get("UNTIL", [None])[0]
        if isinstance(until, datetime):
            schedule["valid_until"] = (_london(until) or until).date()
        elif isinstance(until, date):
            schedule["valid_until"] = until
    schedule["cancelled_dates"] = sorted(set(_dates(event.get("EXDATE"))) | cancelled)
    schedules = [{**schedule, **_times(start, end)}]
    extra = [d for d in _dates(event.get("RDATE")) if d >= today]
    if extra:
        schedules.append({"frequency": "once", "dates": extra, **_times(start, end)})
    return schedules


def _calendar_events(raw: bytes) -> list[Any]:
    try:
        calendar = Calendar.from_ical(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"not an iCalendar file: {exc}") from exc
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise SourceError("the calendar has no events (VEVENT)")
    return events


class IcalSource:
    type = "ical"

    def records(self, payload: bytes | Payload, options: SourceOptions) -> Iterator[ImportRecord]:
        events = _calendar_events(as_payload(payload).read())
        today = datetime.now(zone()).date()
        cancelled = _cancelled_instances(events)
        one_offs: dict[str, tuple[Any, list[date]]] = {}
        for n, event in enumerate(events, start=1):
            uid = str(event.get("UID") or f"event-{n}")
            if event.get("RECURRENCE-ID") or str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            start, end = _span(event)
            if start is None:
                name = plain(event.get("SUMMARY")) or "an event"
                yield ImportRecord(uid, None, f"{name}: an all-day event; give it a start time")
            elif event.get("RRULE") is not None:
                schedules = _series(event, start, end, today, cancelled.get(uid, set()))
                yield ImportRecord(uid, _fields(event, schedules, options, uid))
            elif start.date() >= today:  # past one-off events are history, not listings
                name = slugify(plain(event.get("SUMMARY")) or uid, 80)
                place = slugify(str(event.get("LOCATION") or "online"), 80)
                key = f"series:{name}:{place}:{start:%H%M}"
                one_offs.setdefault(key, (event, []))[1].append(start.date())
        for key, (event, dates) in one_offs.items():
            start, end = _span(event)
            assert start is not None
            schedule = {"frequency": "once", "dates": sorted(set(dates)), **_times(start, end)}
            yield ImportRecord(key, _fields(event, [schedule], options, key))
