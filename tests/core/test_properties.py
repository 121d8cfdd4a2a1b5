"""Property tests (Hypothesis): schedules → occurrences, and postcode parsing."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from app.assets.schemas import ScheduleCreate
from app.core import time as time_module
from app.core.time import Frequency, occurrences, zone
from app.geocoding.postcodes import parse_postcode

TZ = zone()

weekly = st.builds(
    lambda days, hour, minute, interval, anchor: ScheduleCreate(
        frequency="weekly",
        weekdays=days,
        start_time=time(hour, minute),
        interval=interval,
        valid_from=anchor,
    ),  # fmt: skip
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
    st.integers(1, 4),
    st.dates(date(2024, 1, 1), date(2027, 1, 1)),
)
monthly = st.builds(
    lambda day, nth, hour: ScheduleCreate(
        frequency="monthly_nth", weekdays=[day], nth_week=nth, start_time=time(hour)
    ),
    st.integers(0, 6), st.sampled_from([1, 2, 3, 4, -1]), st.integers(0, 23),
)  # fmt: skip
windows = st.tuples(
    st.datetimes(datetime(2025, 1, 1), datetime(2028, 1, 1)), st.integers(1, 120)
).map(lambda t: (t[0].replace(tzinfo=TZ), t[0].replace(tzinfo=TZ) + timedelta(days=t[1])))


@settings(max_examples=150, deadline=None)
@given(schedules=st.lists(st.one_of(weekly, monthly), min_size=1, max_size=3), window=windows)
def test_occurrences_are_sorted_unique_in_range_and_keep_wall_clock(
    schedules: list[ScheduleCreate], window: tuple[datetime, datetime]
) -> None:
    start, end = window
    found = occurrences(schedules, start, end)
    assert found == sorted(set(found))
    assert all(start <= o.start < end and o.end > o.start for o in found)
    wall_clocks = {s.start_time for s in schedules}
    for o in found:
        local = o.start.astimezone(TZ)
        # A start inside the spring-forward gap moves by an hour; every other keeps its time.
        assert local.time() in wall_clocks or (local + timedelta(hours=-1)).time() in wall_clocks
        assert local.weekday() in {d for s in schedules for d in s.weekdays}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_postcode_parsing_never_crashes_and_round_trips(text: str) -> None:
    parsed = parse_postcode(text)
    if parsed is not None:
        assert parse_postcode(parsed.display) == parsed
        assert parsed.code == parsed.display.replace(" ", "")


@given(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", fullmatch=True),
    st.sampled_from(["", " ", "  "]),
)
def test_every_well_formed_postcode_parses(postcode: str, padding: str) -> None:
    parsed = parse_postcode(padding + postcode.lower() + padding)
    assert parsed is not None and parsed.is_full


every_week = st.builds(
    lambda days, hour, minute, start, until, cancelled: ScheduleCreate(
        frequency="weekly",
        weekdays=days,
        start_time=time(hour, minute),
        valid_from=start,
        valid_until=until,
        cancelled_dates=cancelled,
    ),  # fmt: skip
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
    st.none() | st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    st.none() | st.dates(date(2027, 1, 1), date(2027, 6, 30)),
    st.lists(st.dates(date(2026, 1, 1), date(2027, 3, 31)), max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(every_week, st.datetimes(datetime(2026, 1, 1), datetime(2027, 3, 1)), st.integers(0, 60))
def test_weekly_starts_without_a_rule_equal_the_rrule(
    schedule: ScheduleCreate, lo: datetime, days: int
) -> None:
    """The day-by-day path for plain weekly schedules gives what dateutil's rrule gives."""
    hi = lo + timedelta(days=days, hours=5)
    fast = time_module._local_starts(schedule, lo, hi)
    rule = time_module._rule(schedule, time_module._dtstart(schedule, lo.date()))
    assert rule is not None
    ruled = time_module._local_starts(  # the same filters, the rrule's dates
        schedule.model_copy(update={"frequency": "once", "dates": [
            d.date() for d in rule.between(lo, hi, inc=True)]}), lo, hi,
    )  # fmt: skip
    assert fast == ruled


plain_weekly = st.builds(
    # Plain rows, as app.assets.light reads them: an end past midnight comes from imports.
    lambda days, hour, minute, length, cancelled, valid: SimpleNamespace(
        frequency=Frequency.weekly,
        interval=1,
        weekdays=days,
        nth_week=None,
        month_day=None,
        dates=[],
        start_time=time(hour, minute),
        end_time=(datetime(2000, 1, 1, hour, minute) + timedelta(minutes=length)).time()
        if length
        else None,
        cancelled_dates=cancelled,
        valid_from=valid[0],
        valid_until=valid[1],
    ),  # fmt: skip
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
    st.sampled_from([0, 30, 90, 600, 1410]),  # 0: no end time; 1410: past midnight
    st.lists(st.dates(date(2026, 3, 20), date(2026, 4, 10)), max_size=4),
    st.sampled_from([(None, None), (date(2026, 3, 29), None), (None, date(2026, 3, 30))]),
)


any_schedule = st.builds(
    # Every frequency as plain rows; monthly rules every 2 months take the rrule's path.
    lambda weekly, frequency, interval, nth, month_day, dates, anchor: SimpleNamespace(
        **{
            **vars(weekly),
            "frequency": frequency,
            "nth_week": nth,
            "month_day": month_day,
            "dates": dates,
            "weekdays": weekly.weekdays[:1] if frequency == "monthly_nth" else weekly.weekdays,
            "interval": interval,
            "valid_from": anchor
            if interval > 1 and weekly.valid_from is None
            else weekly.valid_from,
        },
    ),  # fmt: skip
    plain_weekly,
    st.sampled_from(list(Frequency)),
    st.sampled_from([1, 1, 2, 3]),
    st.sampled_from([1, 2, 3, 4, 5, -1]),
    st.integers(1, 31),
    st.lists(st.dates(date(2026, 3, 1), date(2026, 6, 30)), max_size=4),
    st.dates(date(2025, 12, 1), date(2026, 4, 30)),
)


@settings(max_examples=700, deadline=None)
@given(
    schedules=st.lists(st.one_of(plain_weekly, any_schedule), min_size=1, max_size=3),
    after=st.one_of(  # over the clocks going forward and back, and a month's turn
        st.datetimes(datetime(2026, 3, 20), datetime(2026, 4, 8)),
        st.datetimes(datetime(2026, 10, 18), datetime(2026, 11, 3)),
    ),
)
def test_walking_the_days_finds_what_the_rrule_windows_find(
    schedules: list[SimpleNamespace], after: datetime
) -> None:
    moment = after.replace(tzinfo=TZ)
    expected = time_module._next_from_windows(schedules, moment, 400)
    assert time_module.next_occurrence(schedules, moment) == expected
    assert time_module.next_occurrence(schedules, moment, horizon_days=1) == (
        time_module._next_from_windows(schedules, moment, 1)
    )
