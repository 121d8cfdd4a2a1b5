"""What sort=next reads first: a lower bound of when each entry's next occurrence starts,
from columns on the entry itself, so the database orders the matches by it and the exact next
occurrences (app.core.time, from the schedules) are worked out only until a page is settled.

`week_starts` holds the minute of the week (Monday 00:00 = 0) of every weekday each schedule
can start on (stored on save). Not counting an occurrence under way, an entry's next start is
no sooner than the nearest of them: schedules every n weeks, on the nth weekday or on dates,
with an end date or cancellations start later or never. One under way started earlier: an
on-air code for now's weekday and hour (app.assets.slots) says one may be, and such an
entry is read first."""

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, case, func

from app.assets.slots import SlotSource, on_air_at, start_days

DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES


def _week_minute(day: int, clock: time) -> int:
    return day * DAY_MINUTES + clock.hour * 60 + clock.minute


def week_minute(moment: datetime) -> int:
    """The minute of the week `moment` is in, by its wall clock."""
    return _week_minute(moment.weekday(), moment.time())


def week_starts(schedules: Sequence[SlotSource]) -> list[int]:
    """Minutes of the week at which these schedules can start (stored on save)."""
    return sorted({_week_minute(day, s.start_time) for s in schedules for day in start_days(s)})


def next_start_bound(starts: Any, slots: Any, now: datetime) -> ColumnElement[int]:
    """A lower bound, in minutes from `now`, of the start of the entry's next occurrence that
    has not ended: far below zero when one may be under way, NULL without schedules.

    Minutes of wall-clock time, as occurrences are: schedules are kept in local time and
    datetimes in one zone compare by their wall clocks, so a clock change moves neither.
    The starts are stored in order, so the nearest is found by `width_bucket` (how many are
    before now) rather than by unnesting each entry's array (a fifth of the combined search's
    SQL)."""
    minute = week_minute(now)
    before_now = func.width_bucket(minute - 1, starts)
    nearest = func.coalesce(starts[before_now + 1], starts[1] + WEEK_MINUTES) - minute
    return case((on_air_at(now, slots), -2 * DAY_MINUTES), else_=nearest)
