"""When in the week an entry meets, coarsely: its (weekday, time band) slots, as small
integers on the entry itself: where its occurrences start (weekday × 4 + band; Monday morning
= 0, Sunday night = 27) and, from ON_AIR = 28 on, every (weekday, band) an occurrence is still
running in, hour by hour from its start to its end (an hour if it gives none; past midnight
into the next weekday).

Day and time filters test these first and the exact schedule check (validity, one-off dates)
only on what passes: at a million entries, a town + day + time search probed the schedule table
once per entry of the town. The slots are a superset of the truth — every schedule counts,
whether or not it is still valid — so they never hide an entry that matches."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Integer, bindparam, case, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import Grouping
from sqlmodel import col

from app.assets.models import Asset
from app.core.time import BAND_BOUNDS, DEFAULT_DURATION, Frequency, TimeBand, time_band

BANDS = tuple(TimeBand)
EVERY_DAY = range(7)
ON_AIR = 7 * len(BANDS)


class SlotSource(Protocol):
    frequency: Frequency
    weekdays: list[int]
    dates: list[date]
    start_time: time
    end_time: time | None


def slot_codes(days: Iterable[int], bands: Iterable[TimeBand]) -> list[int]:
    return sorted({day * len(BANDS) + BANDS.index(band) for day in days for band in bands})


def _days(schedule: SlotSource) -> Iterable[int]:
    if schedule.frequency == Frequency.monthly_day:
        return EVERY_DAY  # a day of the month falls on every weekday in turn
    if schedule.frequency == Frequency.once:
        return {d.weekday() for d in schedule.dates}
    return schedule.weekdays


def _hours_on_air(schedule: SlotSource) -> range:
    """Hours from the start of the day it starts on (24 and on: the next day)."""
    start = schedule.start_time.hour * 60 + schedule.start_time.minute
    end_time = schedule.end_time
    lasting = int(DEFAULT_DURATION.total_seconds()) // 60
    end = end_time.hour * 60 + end_time.minute if end_time else start + lasting
    if end <= start:
        end += 24 * 60  # runs past midnight
    return range(start // 60, (end - 1) // 60 + 1)


def _on_air(schedule: SlotSource) -> set[int]:
    return {
        ON_AIR + ((day + hour // 24) % 7) * len(BANDS) + BANDS.index(time_band(time(hour % 24)))
        for day in _days(schedule)
        for hour in _hours_on_air(schedule)
    }


def schedule_slots(schedules: Sequence[SlotSource]) -> list[int]:
    """The slots of an entry with these schedules (stored on save)."""
    starts = {code for s in schedules for code in slot_codes(_days(s), [time_band(s.start_time)])}
    return sorted(starts.union(*(_on_air(s) for s in schedules)))


def in_slots(days: Sequence[int] | None, band: TimeBand | None) -> Any:
    """The entry has a schedule on one of `days` (any day if None) in `band` (any if None)."""
    return _has_any(
        slot_codes(EVERY_DAY if days is None else days, BANDS if band is None else [band])
    )


def on_air_from(now: datetime) -> Any:
    """The entry has an occurrence running at some time between `now` and midnight, by its
    weekday: what when=today and when=now keep is among these."""
    bands = {time_band(time(hour)) for hour in range(now.hour, 24)}
    return _has_any([ON_AIR + code for code in slot_codes([now.weekday()], bands)])


def _has_any(codes: list[int]) -> Any:
    return col(Asset.slots).op("&&")(bindparam(None, codes, type_=ARRAY(Integer())))


DAY_MINUTES = 24 * 60
# Clock changes move a wall-clock time by an hour against elapsed time.
CLOCK_CHANGE_MINUTES = 60


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def start_bounds(now: datetime) -> list[int]:
    """For each start code (weekday × band), a lower bound in minutes from `now` of the start
    of the next occurrence starting in it that has not ended by `now`: the band's start on the
    code's next weekday (today's if the band is not over), an hour less for clock changes.
    Night wraps midnight, so its weekday's night starts are bounded from that day's 00:00."""
    weekday, clock = now.weekday(), _minutes(now.time())
    bounds = []
    for day in EVERY_DAY:
        for band in BANDS:
            lo, hi = (_minutes(t) for t in BAND_BOUNDS[band])
            first, over = (lo, hi) if lo < hi else (0, DAY_MINUTES)
            ahead = (day - weekday) % 7
            if ahead == 0 and clock >= over:
                ahead = 7
            bounds.append(ahead * DAY_MINUTES + first - clock - CLOCK_CHANGE_MINUTES)
    return bounds


def next_start_bound(slots: Any, now: datetime) -> ColumnElement[int]:
    """A lower bound, in minutes from `now`, of the start of an entry's next occurrence that
    has not ended (what sort=next orders by), from its slots: far below zero when one may be
    running now (an on-air code for now's weekday and band: it started earlier), else the
    least bound of its start codes (start_bounds); NULL without any (no schedules). Slots are
    a superset of the truth, so this never exceeds the exact value: sort=next reads entries in
    this order and stops once the page cannot change (app.assets.search)."""
    current = ON_AIR + slot_codes([now.weekday()], [time_band(now.time())])[0]
    bounds = Grouping(bindparam(None, start_bounds(now), type_=ARRAY(Integer())))  # (…)[i]
    code = func.unnest(slots).column_valued("code")
    least = select(func.min(bounds[code + 1])).where(code < ON_AIR).scalar_subquery()
    running = slots.op("&&")(bindparam(None, [current], type_=ARRAY(Integer())))
    return case((running, -DAY_MINUTES * 2), else_=least)
