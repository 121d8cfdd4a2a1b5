from datetime import date, datetime, time, timedelta

from app.assets.schemas import ScheduleCreate
from app.core.time import (
    TimeBand,
    happening_now,
    next_occurrence,
    occurrences,
    rrule_text,
    time_band,
    zone,
)  # fmt: skip

TZ = zone()


def weekly(days: list[int], start: time, end: time | None = None, **kw: object) -> ScheduleCreate:
    return ScheduleCreate(frequency="weekly", weekdays=days, start_time=start, end_time=end, **kw)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_weekly_19_00_stays_19_00_across_march_clock_change() -> None:
    # Clocks go forward on Sunday 29 March 2026.
    sunday = weekly([6], time(19), time(20))
    found = occurrences([sunday], at(2026, 3, 20), at(2026, 4, 6))
    assert [o.start.date() for o in found] == [
        date(2026, 3, 22),
        date(2026, 3, 29),
        date(2026, 4, 5),
    ]
    assert all(o.start.astimezone(TZ).time() == time(19) for o in found)
    assert [o.start.utcoffset() for o in found] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(hours=1),
    ]
    assert all(o.end - o.start == timedelta(hours=1) for o in found)


def test_weekly_19_00_stays_19_00_across_october_clock_change() -> None:
    # Clocks go back on Sunday 25 October 2026.
    found = occurrences([weekly([6], time(19))], at(2026, 10, 17), at(2026, 11, 2))
    assert [o.start.astimezone(TZ).hour for o in found] == [19, 19, 19]
    assert [o.start.utcoffset() for o in found] == [timedelta(hours=1), timedelta(0), timedelta(0)]


def test_every_two_weeks_is_phased_from_valid_from() -> None:
    fortnightly = weekly([0], time(19), interval=2, valid_from=date(2026, 1, 5))
    found = occurrences([fortnightly], at(2026, 11, 1), at(2026, 12, 1))
    assert [o.start.date() for o in found] == [date(2026, 11, 9), date(2026, 11, 23)]


def test_last_friday_and_nth_weekday_of_month() -> None:
    last_friday = ScheduleCreate(
        frequency="monthly_nth", weekdays=[4], nth_week=-1, start_time=time(10, 30)
    )
    second_sunday = ScheduleCreate(
        frequency="monthly_nth", weekdays=[6], nth_week=2, start_time=time(8)
    )
    got = occurrences([last_friday, second_sunday], at(2026, 11, 1), at(2027, 1, 1))
    assert [o.start.date() for o in got] == [
        date(2026, 11, 8), date(2026, 11, 27), date(2026, 12, 13), date(2026, 12, 25),
    ]  # fmt: skip


def test_day_of_month_one_off_dates_and_cancellations() -> None:
    fifteenth = ScheduleCreate(frequency="monthly_day", month_day=15, start_time=time(14))
    one_off = ScheduleCreate(
        frequency="once", dates=[date(2026, 12, 3), date(2026, 12, 17)], start_time=time(14)
    )
    cancelled = weekly([3], time(18), cancelled_dates=[date(2026, 12, 10)])
    got = occurrences([fifteenth, one_off, cancelled], at(2026, 12, 1), at(2026, 12, 18))
    assert [o.start.date() for o in got] == [
        date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 15), date(2026, 12, 17),
        date(2026, 12, 17),
    ]  # fmt: skip


def test_valid_until_ends_a_schedule() -> None:
    course = weekly([0], time(10), valid_from=date(2026, 11, 2), valid_until=date(2026, 11, 16))
    got = occurrences([course], at(2026, 10, 1), at(2027, 1, 1))
    assert [o.start.date() for o in got] == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]


def test_occurrences_are_sorted_and_unique_for_overlapping_schedules() -> None:
    a, b = weekly([0, 2], time(19)), weekly([2], time(19))
    got = occurrences([a, b], at(2026, 11, 23), at(2026, 12, 7))
    assert got == sorted(set(got))
    assert len(got) == 4


def test_next_occurrence_counts_one_in_progress_and_skips_finished() -> None:
    meeting = weekly([0], time(19), time(20, 30))  # Mondays
    monday = at(2026, 11, 23, 19, 45)
    assert next_occurrence([meeting], monday).start == at(2026, 11, 23, 19)  # type: ignore[union-attr]
    assert happening_now([meeting], monday)
    later = at(2026, 11, 23, 21)
    assert next_occurrence([meeting], later).start == at(2026, 11, 30, 19)  # type: ignore[union-attr]
    assert not happening_now([meeting], later)
    assert next_occurrence([], later) is None


def test_schedules_alike_share_a_next_start_worked_out_once_a_moment() -> None:
    monday = at(2026, 11, 23, 12)
    first = next_occurrence([weekly([0], time(19), time(20, 30))], monday)
    assert first is not None and first.start == at(2026, 11, 23, 19)
    assert next_occurrence([weekly([0], time(19), time(20, 30))], monday) is first, "kept"
    later = next_occurrence([weekly([0], time(19), time(20, 30))], at(2026, 11, 23, 21))
    assert later is not None and later.start == at(2026, 11, 30, 19), "another moment, its own"
    off = weekly([0], time(19), time(20, 30), cancelled_dates=[date(2026, 11, 23)])
    assert next_occurrence([off], monday).start == at(2026, 11, 30, 19)  # type: ignore[union-attr]
    assert next_occurrence([weekly([0], time(19, 15))], monday).start == at(2026, 11, 23, 19, 15)  # type: ignore[union-attr]


def test_overnight_session_ends_next_day() -> None:
    night = weekly([4], time(22), time(1))
    occ = next_occurrence([night], at(2026, 11, 27, 12))
    assert occ is not None
    assert occ.end == at(2026, 11, 28, 1)
    assert happening_now([night], at(2026, 11, 28, 0, 30))


def test_time_bands_cover_the_documented_edges() -> None:
    assert time_band(time(5)) == TimeBand.morning
    assert time_band(time(11, 59)) == TimeBand.morning
    assert time_band(time(12)) == TimeBand.afternoon
    assert time_band(time(16, 59)) == TimeBand.afternoon
    assert time_band(time(17)) == TimeBand.evening
    assert time_band(time(20, 59)) == TimeBand.evening
    assert time_band(time(21)) == TimeBand.night
    assert time_band(time(4, 59)) == TimeBand.night


def test_rrule_text() -> None:
    assert rrule_text(weekly([0, 3], time(19))) == "FREQ=WEEKLY;BYDAY=MO,TH"
    fortnight = weekly([1], time(19), interval=2, valid_from=date(2026, 1, 6))
    assert rrule_text(fortnight) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    last = ScheduleCreate(frequency="monthly_nth", weekdays=[4], nth_week=-1, start_time=time(10))
    assert rrule_text(last) == "FREQ=MONTHLY;BYDAY=-1FR"
