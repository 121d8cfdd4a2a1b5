"""When in the week an entry meets, coarsely: its (weekday, time band) slots, as small
integers on the entry itself (weekday × 4 + band; Monday morning = 0, Sunday night = 27).

Day and time filters test these first and the exact schedule check (validity, one-off dates)
only on what passes: at a million entries, a town + day + time search probed the schedule table
once per entry of the town. The slots are a superset of the truth — every schedule counts,
whether or not it is still valid — so they never hide an entry that matches."""

from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any, Protocol

from sqlalchemy import Integer, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from app.assets.models import Asset
from app.core.time import Frequency, TimeBand, time_band

BANDS = tuple(TimeBand)
EVERY_DAY = range(7)


class SlotSource(Protocol):
    frequency: Frequency
    weekdays: list[int]
    dates: list[date]
    start_time: time


def slot_codes(days: Iterable[int], bands: Iterable[TimeBand]) -> list[int]:
    return sorted({day * len(BANDS) + BANDS.index(band) for day in days for band in bands})


def _days(schedule: SlotSource) -> Iterable[int]:
    if schedule.frequency == Frequency.monthly_day:
        return EVERY_DAY  # a day of the month falls on every weekday in turn
    if schedule.frequency == Frequency.once:
        return {d.weekday() for d in schedule.dates}
    return schedule.weekdays


def schedule_slots(schedules: Sequence[SlotSource]) -> list[int]:
    """The slots of an entry with these schedules (stored on save)."""
    return sorted(
        {code for s in schedules for code in slot_codes(_days(s), [time_band(s.start_time)])}
    )


def in_slots(days: Sequence[int] | None, band: TimeBand | None) -> Any:
    """The entry has a schedule on one of `days` (any day if None) in `band` (any if None)."""
    codes = slot_codes(EVERY_DAY if days is None else days, BANDS if band is None else [band])
    return col(Asset.slots).op("&&")(bindparam(None, codes, type_=ARRAY(Integer())))
