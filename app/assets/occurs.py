"""when=now|today|week as SQL: whether a schedule occurs on a given day, and whether that
occurrence is on, still to come or over at a given time, from the schedule's columns.

This is the twin of app.core.time's rules (dateutil rrule, which stays the truth for next
dates) for the search filter: with it the database pages and counts these searches like any
other. Before, each candidate's occurrences were worked out in Python (a when=today search
near Birmingham read 3,000 candidates to keep 750). tests/assets/test_occurs.py checks that
the two agree on generated schedules and times, across clock changes and month ends."""

import calendar
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    any_,
    cast,
    exists,
    extract,
    func,
    literal,
    not_,
    or_,
)
from sqlmodel import col

from app.assets.models import Asset, Schedule
from app.core.time import DEFAULT_DURATION, EVERY_N_WEEKS_EPOCH, Frequency

WEEK = 7


@lru_cache(maxsize=32)
def occurs_on(day: date) -> ColumnElement[bool]:
    """The schedule has an occurrence starting on `day`. Built once a day and reused (SQL
    expressions are immutable): building it was a tenth of a when=today search's time."""
    weekday = day.weekday()
    on_weekday = literal(weekday) == any_(col(Schedule.weekdays))
    last = calendar.monthrange(day.year, day.month)[1]
    nth = [(day.day - 1) // WEEK + 1, -((last - day.day) // WEEK + 1)]  # from start, from end
    # Every n weeks or months counts from valid_from (or the epoch), as _dtstart anchors rrule.
    anchor = func.coalesce(col(Schedule.valid_from), literal(EVERY_N_WEEKS_EPOCH, Date))
    interval = col(Schedule.interval)
    anchor_monday = anchor - (cast(extract("isodow", anchor), Integer) - 1)
    weeks = (literal(day - timedelta(days=weekday), Date) - anchor_monday) // WEEK
    months = (day.year * 12 + day.month) - (
        cast(extract("year", anchor), Integer) * 12 + cast(extract("month", anchor), Integer)
    )
    in_week = or_(interval == 1, weeks % interval == 0)
    in_month = or_(interval == 1, months % interval == 0)
    frequency = col(Schedule.frequency)
    valid_from, valid_until = col(Schedule.valid_from), col(Schedule.valid_until)
    return and_(
        or_(
            and_(frequency == Frequency.weekly, on_weekday, in_week),
            and_(frequency == Frequency.monthly_nth, on_weekday,
                 col(Schedule.nth_week).in_(nth), in_month),
            and_(frequency == Frequency.monthly_day, col(Schedule.month_day) == day.day,
                 in_month),
            and_(frequency == Frequency.once, literal(day, Date) == any_(col(Schedule.dates))),
        ),
        or_(valid_from.is_(None), valid_from <= day),
        or_(valid_until.is_(None), valid_until >= day),
        not_(literal(day, Date) == any_(col(Schedule.cancelled_dates))),
    )  # fmt: skip


def _clock(now: datetime) -> tuple[time, ColumnElement[Any], ColumnElement[bool]]:
    """The wall-clock time of `now`; the time of day an occurrence ends; whether it ends the
    next day (past midnight, or an hour from 23:00 when it gives no end)."""
    start = col(Schedule.start_time)
    ends = func.coalesce(col(Schedule.end_time), start + DEFAULT_DURATION)
    return now.time().replace(tzinfo=None), ends, ends <= start


def _has_occurrence(*conditions: ColumnElement[bool]) -> Any:
    return exists().where(col(Schedule.asset_id) == col(Asset.id), or_(*conditions))


def _last_night(now: datetime) -> ColumnElement[bool]:
    """Started yesterday, runs past midnight and has not ended by `now`."""
    clock, ends, next_day = _clock(now)
    return and_(occurs_on(now.date() - timedelta(days=1)), next_day, ends > clock)


def _today_not_over(now: datetime) -> ColumnElement[bool]:
    """Starts today and has not ended by `now` (it may not have started yet)."""
    clock, ends, next_day = _clock(now)
    return and_(occurs_on(now.date()), or_(next_day, ends > clock))


def on_now(now: datetime) -> Any:
    """An occurrence is on at `now`: started today and not ended, or last night's still on."""
    clock, ends, next_day = _clock(now)
    started = and_(col(Schedule.start_time) <= clock, or_(next_day, ends > clock))
    return _has_occurrence(and_(occurs_on(now.date()), started), _last_night(now))


def on_today(now: datetime) -> Any:
    """An occurrence starting today (or last night) has not ended by `now`."""
    return _has_occurrence(_today_not_over(now), _last_night(now))


def on_within_week(now: datetime) -> Any:
    """An occurrence not ended by `now` starts before the same time a week on."""
    clock, today = _clock(now)[0], now.date()
    return _has_occurrence(
        _last_night(now),
        _today_not_over(now),
        *(occurs_on(today + timedelta(days=n)) for n in range(1, WEEK)),
        and_(occurs_on(today + timedelta(days=WEEK)), col(Schedule.start_time) < clock),
    )
