from datetime import date, datetime, time, timedelta

from app.assets.schemas import ScheduleCreate
from app.core.time import Occurrence, zone
from app.core.timewords import describe_schedule, is_just_started, occurrence_label

TZ = zone()
NOW = datetime(2026, 11, 23, 18, 40, tzinfo=TZ)  # a Monday evening


def occ(start: datetime, minutes: int = 90) -> Occurrence:
    return Occurrence(start, start + timedelta(minutes=minutes))


def test_labels_in_words() -> None:
    assert occurrence_label(occ(NOW.replace(hour=19, minute=30)), NOW) == "Starts in 50 min (19:30)"
    assert occurrence_label(occ(NOW.replace(hour=20, minute=0)), NOW) == "Tonight 20:00"
    assert occurrence_label(occ(NOW.replace(hour=18, minute=0)), NOW) == "Now, until 19:30"
    assert occurrence_label(occ(NOW + timedelta(days=1, hours=-8)), NOW) == "Tomorrow 10:40"
    assert occurrence_label(occ(datetime(2026, 12, 4, 10, 30, tzinfo=TZ)), NOW) == "Fri 4 Dec 10:30"
    morning = NOW.replace(hour=9)
    assert occurrence_label(occ(NOW.replace(hour=11, minute=0)), morning) == "Today 11:00"


def test_happening_now_badge_only_in_the_first_hour() -> None:
    assert is_just_started(occ(NOW - timedelta(minutes=20)), NOW)
    assert not is_just_started(occ(NOW - timedelta(minutes=70), minutes=120), NOW)
    assert not is_just_started(occ(NOW + timedelta(minutes=5)), NOW)


def test_schedules_in_words() -> None:
    weekly = ScheduleCreate(
        frequency="weekly", weekdays=[0, 3], start_time=time(18), end_time=time(19, 30)
    )
    assert describe_schedule(weekly) == "Every Monday and Thursday, 18:00–19:30"
    fortnightly = ScheduleCreate(frequency="weekly", interval=2, weekdays=[1], start_time=time(19))
    assert describe_schedule(fortnightly) == "Every 2 weeks on Tuesday, 19:00"
    last = ScheduleCreate(
        frequency="monthly_nth", nth_week=-1, weekdays=[4], start_time=time(10, 30)
    )
    assert describe_schedule(last) == "The last Friday of the month, 10:30"
    day = ScheduleCreate(frequency="monthly_day", month_day=22, start_time=time(14))
    assert describe_schedule(day) == "The 22nd of each month, 14:00"
    once = ScheduleCreate(frequency="once", dates=[date(2026, 12, 3)], start_time=time(14))
    assert describe_schedule(once) == "On Thu 3 Dec 2026, 14:00"
