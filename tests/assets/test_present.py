"""Public shapes: a schedule's is made once for every schedule with the same fields."""

from datetime import date, time
from types import SimpleNamespace
from typing import Any

from app.assets.present import schedule_public
from app.core.time import Frequency


def _schedule(**changed: Any) -> SimpleNamespace:
    fields = {
        "id": 1, "asset_id": 7, "frequency": Frequency.weekly, "interval": 1, "weekdays": [1],
        "nth_week": None, "month_day": None, "dates": [], "start_time": time(19, 30),
        "end_time": time(21), "valid_from": None, "valid_until": None, "cancelled_dates": [],
        "notes": None,
    }  # fmt: skip
    return SimpleNamespace(**{**fields, **changed})


def test_schedules_alike_share_one_public_shape_and_any_difference_shows() -> None:
    first = schedule_public(_schedule())
    assert first.model_dump() == {
        "frequency": "weekly", "interval": 1, "weekdays": ["tue"], "nth_week": None,
        "month_day": None, "dates": [], "start_time": "19:30", "end_time": "21:00",
        "valid_from": None, "valid_until": None, "cancelled_dates": [], "notes": None,
        "rrule": first.rrule, "description": "Every Tuesday, 19:30–21:00",
    }  # fmt: skip
    assert first.rrule and "BYDAY=TU" in first.rrule
    assert schedule_public(_schedule(id=2, asset_id=8)) is first, "another entry's, alike"
    off = schedule_public(_schedule(cancelled_dates=[date(2026, 12, 1)]))
    assert off.cancelled_dates == [date(2026, 12, 1)] and off is not first
    assert schedule_public(_schedule(start_time=time(19, 45))).start_time == "19:45"
    assert schedule_public(_schedule(notes="Ring the bell")).notes == "Ring the bell"
    assert schedule_public(_schedule(weekdays=[1, 3])).weekdays == ["tue", "thu"]
