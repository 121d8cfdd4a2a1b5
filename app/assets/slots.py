"""When in the week an entry meets, coarsely: its (weekday, time band) slots, as small
integers on the entry itself (app.assets.slot_codes): where its occurrences start, and every
(weekday, band) and every (weekday, hour) an occurrence is still running in, from its start to
its end (an hour if it gives none; past midnight into the next weekday). The bands pick an
index of places (a part of a day's), the hours the entries still on then.

Day and time filters test these first and the exact schedule check (validity, one-off dates)
only on what passes: at a million entries, a town + day + time search probed the schedule table
once per entry of the town. The slots are a superset of the truth — every schedule counts,
whether or not it is still valid — so they never hide an entry that matches."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, Protocol

from sqlalchemy import Integer, bindparam, literal_column
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from app.assets.models import Asset
from app.assets.slot_codes import (
    BANDS,
    day_part,
    on_air_codes,
    on_air_hour_codes,
    on_air_slot_codes,
    slot_codes,
)
from app.core.time import DEFAULT_DURATION, Frequency, TimeBand, time_band

EVERY_DAY = range(7)


class SlotSource(Protocol):
    frequency: Frequency
    interval: int
    weekdays: list[int]
    dates: list[date]
    start_time: time
    end_time: time | None
    valid_from: date | None
    valid_until: date | None
    cancelled_dates: list[date]


def start_days(schedule: SlotSource) -> Iterable[int]:
    """The weekdays it can start on."""
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
    """The (weekday, band) slots and the (weekday, hour)s an occurrence runs in."""
    codes = set()
    for day in start_days(schedule):
        for hour in _hours_on_air(schedule):
            on_day, clock = (day + hour // 24) % 7, hour % 24
            codes.update(on_air_slot_codes([on_day], [time_band(time(clock))]))
            codes.update(on_air_hour_codes(on_day, [clock]))
    return codes


def schedule_slots(schedules: Sequence[SlotSource]) -> list[int]:
    """The slots of an entry with these schedules (stored on save)."""
    starts = {
        code for s in schedules for code in slot_codes(start_days(s), [time_band(s.start_time)])
    }
    return sorted(starts.union(*(_on_air(s) for s in schedules)))


def slots_are_exact(schedules: Sequence[SlotSource]) -> bool:
    """Whether an entry's start slots are exactly where its schedules start, for as long as it
    is listed: none of them ends (`valid_until`) or is a list of one-off dates (which pass),
    so a day and time search need not look at its schedules (stored on save)."""
    return all(s.frequency != Frequency.once and s.valid_until is None for s in schedules)


def meets_every_week(schedules: Sequence[SlotSource]) -> bool:
    """Whether an entry has an occurrence in every seven days from any moment, whatever the
    date: it has schedules, and each is weekly on some weekday, every week, with no start or
    end date and nothing cancelled (stored on save). when=week keeps such an entry without
    looking at its schedules: the home page's search (near a postcode, this week, soonest
    first) probed the schedules of all 5,001 entries it read at a million (20 of its 41 ms)."""
    return bool(schedules) and all(
        s.frequency == Frequency.weekly and s.interval == 1 and s.weekdays
        and s.valid_from is None and s.valid_until is None and not s.cancelled_dates
        for s in schedules
    )  # fmt: skip


def start_codes(days: Sequence[int] | None, band: TimeBand | None) -> list[int]:
    """The start codes of `days` (every day if None) in `band` (every band if None)."""
    return slot_codes(EVERY_DAY if days is None else days, BANDS if band is None else [band])


def in_slots(days: Sequence[int] | None, band: TimeBand | None) -> Any:
    """The entry has a schedule on one of `days` (any day if None) in `band` (any if None)."""
    return _has_any(start_codes(days, band))


def on_air_from(now: datetime) -> Any:
    """The entry has an occurrence running at some time between `now`'s hour and midnight, by
    its weekday: what when=today keeps is among these."""
    return _has_any(on_air_hour_codes(now.weekday(), range(now.hour, 24)))


def on_air_during(day: int, bands: Iterable[TimeBand] = BANDS) -> Any:
    """The entry has an occurrence running at some time of weekday `day` in one of `bands` or
    at another time of the smallest part of that day holding them: true of every entry on air
    or starting then, and the predicate of that part's index of places
    (ix_asset_published_grid_<day><part>), which a near search for one day walks instead of
    every entry's. At a million entries, when=today near B69 3 mi read 3,207 entries for 562
    (11 ms) and 736 with the day's index (4.6 ms); at 21:35 on a Thursday the day's index read
    4,153 for 421, the night's 421 (7.5 -> 3.2 ms)."""
    return col(Asset.slots).op("&&")(literal_column(on_air_codes(day, day_part(bands))))


def bands_left(now: datetime) -> set[TimeBand]:
    """The bands of the rest of `now`'s day (from 00:00 to 04:59, the night, all of them)."""
    return {time_band(time(hour)) for hour in range(now.hour, 24)}


def on_air_at(now: datetime, slots: Any = None) -> Any:
    """The entry has an occurrence running in now's weekday and hour: one may be under way
    (`slots`: the column to test, the entry's own by default). What when=now keeps is among
    these."""
    return _has_any(on_air_hour_codes(now.weekday(), [now.hour]), slots)


def _has_any(codes: list[int], slots: Any = None) -> Any:
    column = col(Asset.slots) if slots is None else slots
    return column.op("&&")(bindparam(None, codes, type_=ARRAY(Integer())))
