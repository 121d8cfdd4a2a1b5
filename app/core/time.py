"""Schedules → occurrences, in Europe/London wall-clock time.

Occurrences are generated as naive local date-times by dateutil's rrule and only then given
the zone, so a 19:00 meeting stays 19:00 on both sides of a clock change."""

import calendar
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from types import SimpleNamespace
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from dateutil import rrule

# An interval > 1 needs a fixed phase; when a schedule gives no valid_from we count from here.
EVERY_N_WEEKS_EPOCH = date(2024, 1, 1)
DEFAULT_DURATION = timedelta(hours=1)
RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


DAY_CODES = tuple(d.value for d in Weekday)  # index = Python's weekday(): 0 = Monday


class Frequency(StrEnum):
    weekly = "weekly"  # every `interval` weeks on `weekdays`
    monthly_nth = "monthly_nth"  # the nth (or last, -1) `weekdays[0]` of the month
    monthly_day = "monthly_day"  # day `month_day` of every month
    once = "once"  # the one-off `dates`


class TimeBand(StrEnum):
    morning = "morning"  # 05:00–11:59
    afternoon = "afternoon"  # 12:00–16:59
    evening = "evening"  # 17:00–20:59
    night = "night"  # 21:00–04:59


# (start inclusive, end exclusive); night wraps past midnight.
BAND_BOUNDS: dict[TimeBand, tuple[time, time]] = {
    TimeBand.morning: (time(5), time(12)),
    TimeBand.afternoon: (time(12), time(17)),
    TimeBand.evening: (time(17), time(21)),
    TimeBand.night: (time(21), time(5)),
}


class ScheduleLike(Protocol):
    frequency: Frequency
    interval: int
    weekdays: list[int]
    nth_week: int | None
    month_day: int | None
    dates: list[date]
    start_time: time
    end_time: time | None
    valid_from: date | None
    valid_until: date | None
    cancelled_dates: list[date]


@dataclass(frozen=True, order=True)
class Occurrence:
    start: datetime
    end: datetime


@lru_cache
def zone(name: str = "Europe/London") -> ZoneInfo:
    return ZoneInfo(name)


def local_now(tz: ZoneInfo | None = None) -> datetime:
    return datetime.now(tz or zone())


def time_band(t: time) -> TimeBand:
    for band, (lo, hi) in BAND_BOUNDS.items():
        if (lo <= t < hi) if lo < hi else (t >= lo or t < hi):
            return band
    raise AssertionError("bands cover the whole day")  # pragma: no cover


def _rule(s: ScheduleLike, dtstart: datetime) -> rrule.rrule | None:
    until = datetime.combine(s.valid_until, time.max) if s.valid_until else None
    days = [RRULE_DAYS[d] for d in sorted(set(s.weekdays))]
    if s.frequency == "weekly":
        if not days:
            return None
        return rrule.rrule(
            rrule.WEEKLY, interval=s.interval, byweekday=days, dtstart=dtstart, until=until
        )
    if s.frequency == "monthly_nth":
        if not days or not s.nth_week:
            return None
        byday = [d(s.nth_week) for d in days]
        return rrule.rrule(
            rrule.MONTHLY, interval=s.interval, byweekday=byday, dtstart=dtstart, until=until
        )
    if s.frequency == "monthly_day":
        if not s.month_day:
            return None
        return rrule.rrule(
            rrule.MONTHLY, interval=s.interval, bymonthday=s.month_day, dtstart=dtstart, until=until
        )
    return None


def _dtstart(s: ScheduleLike, window_start: date) -> datetime:
    if s.interval > 1:
        anchor = s.valid_from or EVERY_N_WEEKS_EPOCH
        if s.frequency == "weekly":
            # rrule counts weeks from dtstart's week: anchor on that week's Monday.
            anchor -= timedelta(days=anchor.weekday())
        elif s.frequency != "once":
            anchor = anchor.replace(day=1)
        return datetime.combine(anchor, s.start_time)
    first = max(window_start - timedelta(days=1), s.valid_from or date.min)
    if s.frequency != "weekly":
        first = first.replace(day=1)
    return datetime.combine(first, s.start_time)


def _duration(s: ScheduleLike) -> timedelta:
    if s.end_time is None:
        return DEFAULT_DURATION
    start = datetime.combine(date(2000, 1, 1), s.start_time)
    end = datetime.combine(date(2000, 1, 1), s.end_time)
    if end <= start:  # runs past midnight
        end += timedelta(days=1)
    return end - start


def _weekly_starts(s: ScheduleLike, lo: datetime, hi: datetime) -> list[datetime]:
    """Every week on `weekdays`, day by day: what the rrule gives, without building one (a
    when=today search works out hundreds of next dates, and building the rule was most of it)."""
    days = set(s.weekdays)
    span = (hi.date() - lo.date()).days + 1
    on = (lo.date() + timedelta(days=n) for n in range(span))
    candidates = (datetime.combine(d, s.start_time) for d in on if d.weekday() in days)
    return [dt for dt in candidates if lo <= dt <= hi]


def _local_starts(s: ScheduleLike, lo: datetime, hi: datetime) -> list[datetime]:
    """Naive local start times in [lo, hi]."""
    cancelled = set(s.cancelled_dates)
    if s.frequency == "once":
        starts = [datetime.combine(d, s.start_time) for d in s.dates]
        starts = [dt for dt in starts if lo <= dt <= hi]
    elif s.frequency == "weekly" and s.interval == 1:
        starts = _weekly_starts(s, lo, hi)
    else:
        rule = _rule(s, _dtstart(s, lo.date()))
        starts = rule.between(lo, hi, inc=True) if rule else []
    return sorted(
        dt
        for dt in starts
        if dt.date() not in cancelled
        and (s.valid_from is None or dt.date() >= s.valid_from)
        and (s.valid_until is None or dt.date() <= s.valid_until)
    )


def occurrences(
    schedules: Iterable[ScheduleLike], start: datetime, end: datetime, tz: ZoneInfo | None = None
) -> list[Occurrence]:
    """Every occurrence starting in [start, end), sorted, without duplicates."""
    tz = tz or zone()
    lo = start.astimezone(tz).replace(tzinfo=None)
    hi = end.astimezone(tz).replace(tzinfo=None)
    found: set[Occurrence] = set()
    for s in schedules:
        length = _duration(s)
        for naive in _local_starts(s, lo, hi):
            begins = naive.replace(tzinfo=tz)
            if start <= begins < end:
                found.add(Occurrence(begins, (naive + length).replace(tzinfo=tz)))
    return sorted(found)


FIRST_WINDOW_DAYS = 8  # a week and a day: every weekly schedule has one in it, if any


def _windows(horizon_days: int) -> tuple[int, ...]:
    """How far ahead a next occurrence is looked for, in turn: a week and a day, then about
    a month (every monthly rule has one in it), then the horizon."""
    return (FIRST_WINDOW_DAYS, 40, horizon_days)


def _next_by_days(
    schedules: Sequence[ScheduleLike], after: datetime, days: int
) -> Occurrence | None:
    """What _next_from_windows finds in its window of `days` (from a day before `after`),
    without listing the window's occurrences or building an rrule: each schedule's days are
    walked in order and its first one not finished by `after` is its soonest. A search sorted
    by next start works out 140 of these (the combined search at a million entries: ~12 µs
    each, half of its Python time); an rrule for a monthly or fortnightly schedule cost ~40."""
    tz = zone()
    firsts = (_first_kept(schedule_key(_read_shape, s), after, days, tz) for s in schedules)
    return min((o for o in firsts if o is not None), default=None)


# Schedules alike (many entries meet on the same evenings) start next at the same time: a
# search works out each hit's next start, and all-different near searches at a million entries
# asked for ~460 shapes 30,000 times, so a shape's first is kept for the moment it was asked at.
FIRSTS_KEPT = 4096
_SHAPE = (
    "frequency", "interval", "nth_week", "month_day", "valid_from", "valid_until",
    "start_time", "end_time", "weekdays", "dates", "cancelled_dates",
)  # fmt: skip
_read_shape = attrgetter(*_SHAPE)


def schedule_key(read: Callable[[Any], tuple[Any, ...]], s: Any) -> tuple[Any, ...]:
    """The schedule's fields `read` as a key: `read` reads its lists last (weekdays, dates,
    cancelled_dates), which are made tuples."""
    v = read(s)
    return (*v[:-3], tuple(v[-3]), tuple(v[-2]), tuple(v[-1]))


@lru_cache(maxsize=FIRSTS_KEPT)
def _first_kept(
    shape: tuple[Any, ...], after: datetime, days: int, tz: ZoneInfo
) -> Occurrence | None:
    s = SimpleNamespace(**dict(zip(_SHAPE, shape, strict=True)))
    start, end = after - timedelta(days=1), after + timedelta(days=days)
    lo, hi = start.astimezone(tz).replace(tzinfo=None), end.astimezone(tz).replace(tzinfo=None)
    return _first_by_days(cast(ScheduleLike, s), after, (start, end, lo, hi), tz)


def _first_by_days(
    s: ScheduleLike, after: datetime, window: tuple[datetime, ...], tz: ZoneInfo
) -> Occurrence | None:
    """The schedule's first occurrence in the window not finished by `after`, tested as
    occurrences() and _next_from_windows test each (aware bounds `start`, `end`; naive local
    `lo`, `hi`)."""
    start, end, lo, hi = window
    length, cancelled = _duration(s), set(s.cancelled_dates)
    first, last = lo.date(), hi.date()
    if s.valid_from is not None:
        first = max(first, s.valid_from)
    if s.valid_until is not None:
        last = min(last, s.valid_until)
    for day in _days_between(s, first, last):
        if day in cancelled or not _falls_on(s, day):
            continue
        naive = datetime.combine(day, s.start_time)
        begins = naive.replace(tzinfo=tz)
        finishes = (naive + length).replace(tzinfo=tz)
        if lo <= naive <= hi and start <= begins < end and finishes > after:
            return Occurrence(begins, finishes)
    return None


def _days_between(s: ScheduleLike, first: date, last: date) -> Iterable[date]:
    if s.frequency == "once":
        return sorted(d for d in set(s.dates) if first <= d <= last)
    if s.frequency == "weekly" and s.interval == 1:
        return _on_weekdays(first, last, s.weekdays)
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def _on_weekdays(first: date, last: date, weekdays: Sequence[int]) -> Iterator[date]:
    """The days from `first` to `last` on `weekdays`, in order: a weekly schedule's only
    candidates (walking every day to them was half of working out its next date)."""
    steps = sorted({(d - first.weekday()) % 7 for d in weekdays})
    for week in range(0, (last - first).days + 1, 7):
        for step in steps:
            day = first + timedelta(days=week + step)
            if day > last:
                return
            yield day


def _falls_on(s: ScheduleLike, day: date) -> bool:
    """Whether the schedule's rule (_rule: every `interval` weeks counted from its anchor's
    Monday, the nth or last weekday of a month, a day of the month) gives this day; one-off
    dates are listed, and a monthly rule with an interval is left to the rrule."""
    if s.frequency == "once":
        return True
    if s.frequency == "monthly_day":
        return day.day == s.month_day
    if day.weekday() not in s.weekdays:
        return False
    if s.frequency == "weekly":
        if s.interval == 1:
            return True
        anchor = _dtstart(s, day).date()
        return day >= anchor and (day - anchor).days // 7 % s.interval == 0
    nth = s.nth_week or 0  # monthly_nth: 1..5 from the month's start, -1 from its end
    if nth > 0:
        return (day.day - 1) // 7 + 1 == nth
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return nth < 0 and (days_in_month - day.day) // 7 + 1 == -nth


def _by_days(s: ScheduleLike) -> bool:
    return s.interval == 1 or s.frequency in ("weekly", "once")


def next_occurrence(
    schedules: Sequence[ScheduleLike], after: datetime, horizon_days: int = 400
) -> Occurrence | None:
    """The first occurrence that has not finished by `after` (one in progress counts)."""
    if not all(_by_days(s) for s in schedules):
        return _next_from_windows(schedules, after, horizon_days)
    # Each schedule's days are walked in order to its first occurrence, so one walk as far as
    # the widest window finds what the windows in turn find, without walking the first again.
    return _next_by_days(schedules, after, max(_windows(horizon_days)))


def _next_from_windows(
    schedules: Sequence[ScheduleLike], after: datetime, horizon_days: int
) -> Occurrence | None:
    for days in _windows(horizon_days):
        window = occurrences(schedules, after - timedelta(days=1), after + timedelta(days=days))
        upcoming = [o for o in window if o.end > after]
        if upcoming:
            return upcoming[0]
    return None


def happening_now(schedules: Sequence[ScheduleLike], now: datetime) -> bool:
    occ = next_occurrence(schedules, now, horizon_days=1)
    return occ is not None and occ.start <= now < occ.end


def day_window(day: date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """Start and end of a local calendar day (23 or 25 hours long on clock-change days)."""
    tz = tz or zone()
    return (
        datetime.combine(day, time(), tzinfo=tz),
        datetime.combine(day + timedelta(days=1), time(), tzinfo=tz),
    )


def rrule_text(s: ScheduleLike) -> str | None:
    """The schedule as an RFC 5545 RRULE value (None for one-off dates)."""
    return _rrule_text(
        s.frequency, s.interval, tuple(s.weekdays), s.nth_week, s.month_day, s.valid_from,
        s.valid_until, s.start_time,
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _rrule_text(
    frequency: Frequency, interval: int, weekdays: tuple[int, ...], nth_week: int | None,
    month_day: int | None, valid_from: date | None, valid_until: date | None, start_time: time,
) -> str | None:  # fmt: skip
    """Made once per distinct rule: building an rrule to print it was a third of presenting
    a page of 20 (most meetings share a handful of weekly rules)."""
    s = SimpleNamespace(
        frequency=frequency, interval=interval, weekdays=list(weekdays), nth_week=nth_week,
        month_day=month_day, valid_until=valid_until,
    )  # fmt: skip
    rule = _rule(s, datetime.combine(valid_from or EVERY_N_WEEKS_EPOCH, start_time))
    if rule is None:
        return None
    text = str(rule).splitlines()[-1]
    return text.removeprefix("RRULE:")
