"""The SQL twin of the recurrence rules (app.assets.occurs) keeps exactly what the Python rules
(app.core.time, dateutil rrule) say for when=now|today|week: generated schedules of every kind
(every n weeks, nth and last weekdays, days of the month, one-off dates, validity, cancelled
dates, past midnight, no end time) at generated times, run against PostgreSQL."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlmodel import Session, col

from app.assets.models import Asset, Schedule
from app.assets.occurs import on_now, on_today, on_within_week
from app.assets.schemas import ScheduleCreate
from app.assets.service import create_asset
from app.core.time import next_occurrence, zone
from tests.assets.test_service import make

TZ = zone()
CLOCK_CHANGES = {date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)}
days = st.dates(date(2026, 1, 1), date(2027, 12, 31))
starts = st.builds(time, st.integers(0, 23), st.sampled_from([0, 30]))


def _ends(start: time, minutes: int | None) -> time | None:
    if minutes is None:
        return None
    end = (datetime.combine(date(2026, 1, 1), start) + timedelta(minutes=minutes)).time()
    past_midnight = end <= start
    return None if past_midnight and not (start >= time(18) and end <= time(6)) else end


@st.composite
def schedules(draw: st.DrawFn) -> ScheduleCreate:
    frequency = draw(st.sampled_from(["weekly", "monthly_nth", "monthly_day", "once"]))
    start = draw(starts)
    valid_from = draw(st.none() | days)
    valid_until = draw(st.none() | days)
    if valid_from and valid_until and valid_until < valid_from:
        valid_from, valid_until = valid_until, valid_from
    fields: dict[str, object] = {
        "frequency": frequency,
        "start_time": start,
        "end_time": _ends(start, draw(st.sampled_from([None, 30, 90, 180, 300]))),
        "interval": draw(st.sampled_from([1, 1, 2, 3])),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "cancelled_dates": draw(st.lists(days, max_size=2)),
    }
    if frequency == "weekly":
        fields["weekdays"] = draw(st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True))
    elif frequency == "monthly_nth":
        fields["weekdays"] = [draw(st.integers(0, 6))]
        fields["nth_week"] = draw(st.sampled_from([1, 2, 3, 4, 5, -1]))
    elif frequency == "monthly_day":
        fields["month_day"] = draw(st.integers(1, 31))
    else:
        fields["dates"] = draw(st.lists(days, min_size=1, max_size=3))
    return ScheduleCreate.model_validate(fields)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    day = draw(days)
    clock = draw(st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 29, 30, 59])))
    # Across a clock change wall-clock and absolute comparisons differ by the hour it moves.
    assume(not (day in CLOCK_CHANGES and clock < time(4)))
    return datetime.combine(day, clock, tzinfo=TZ)


def _python_says(when: str, found: list[ScheduleCreate], now: datetime) -> bool:
    """What the search kept when it worked out each entry's next occurrence in Python."""
    occurrence = next_occurrence(found, now)
    if occurrence is None:
        return False
    if when == "now":
        return occurrence.start <= now < occurrence.end
    if when == "today":
        return occurrence.start.date() <= now.date()
    return occurrence.start < now + timedelta(days=7)


CONDITIONS = {"now": on_now, "today": on_today, "week": on_within_week}


@pytest.fixture
def asset_id(session: Session) -> int:
    asset = create_asset(session, data=make(external_id="occurs"))
    assert asset.id is not None
    return asset.id


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(found=st.lists(schedules(), min_size=1, max_size=2), now=moments())
def test_sql_keeps_what_the_rules_keep(
    session: Session, asset_id: int, found: list[ScheduleCreate], now: datetime
) -> None:
    session.execute(delete(Schedule).where(col(Schedule.asset_id) == asset_id))
    session.add_all(Schedule(**s.model_dump(), asset_id=asset_id) for s in found)
    session.flush()
    for when, condition in CONDITIONS.items():
        kept = session.execute(
            select(col(Asset.id)).where(col(Asset.id) == asset_id, condition(now))
        ).first()
        assert (kept is not None) == _python_says(when, found, now), (when, found, now)


LAST_FRIDAY = {"frequency": "monthly_nth", "weekdays": [4], "nth_week": -1}
FORTNIGHTLY = {"frequency": "weekly", "weekdays": [0], "interval": 2, "valid_from": "2026-11-02"}
THE_31ST = {"frequency": "monthly_day", "month_day": 31}
OFF_THIS_WEEK = {"frequency": "weekly", "weekdays": [3], "cancelled_dates": ["2026-11-26"]}


@pytest.mark.parametrize(
    ("schedule", "now", "today", "on_now_"),
    [
        (LAST_FRIDAY, "2026-11-27T20:00", True, True),  # 19:00-21:00 on the last Friday
        (LAST_FRIDAY, "2026-11-20T20:00", False, False),  # not the Friday before
        (FORTNIGHTLY, "2026-11-16T18:00", True, False),  # two weeks on from 2 Nov, not yet on
        (FORTNIGHTLY, "2026-11-09T18:00", False, False),  # the week between
        (THE_31ST, "2026-11-30T19:30", False, False),  # November has no 31st
        (OFF_THIS_WEEK, "2026-11-26T19:30", False, False),  # cancelled
    ],
)
def test_examples(
    session: Session, asset_id: int, schedule: dict[str, object], now: str, today: bool,
    on_now_: bool,
) -> None:  # fmt: skip
    spec = ScheduleCreate.model_validate({"start_time": "19:00", "end_time": "21:00", **schedule})
    session.execute(delete(Schedule).where(col(Schedule.asset_id) == asset_id))
    session.add(Schedule(**spec.model_dump(), asset_id=asset_id))
    session.flush()
    moment = datetime.fromisoformat(now).replace(tzinfo=TZ)
    for condition, expected in ((on_today, today), (on_now, on_now_)):
        kept = session.execute(
            select(col(Asset.id)).where(col(Asset.id) == asset_id, condition(moment))
        ).first()
        assert (kept is not None) is expected, (condition.__name__, schedule, now)
        assert _python_says("today" if condition is on_today else "now", [spec], moment) is expected
