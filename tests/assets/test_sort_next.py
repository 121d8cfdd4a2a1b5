"""sort=next reads matches in order of a lower bound of their next start taken from columns on
the entry (app.assets.upcoming) and stops once the page cannot change: the bound never exceeds
the truth (generated schedules and times, against the dateutil rules), the migration backfills
what saving stores, and the pages equal every match sorted by its next occurrence."""

from datetime import datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text, update
from sqlmodel import Session, col

from app.assets import soonest
from app.assets.models import Asset, Schedule
from app.assets.schemas import ScheduleCreate
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import create_asset
from app.assets.slots import schedule_slots
from app.assets.soonest import NO_NEXT
from app.assets.upcoming import next_start_bound, week_starts
from app.core.time import next_occurrence, zone
from app.venues.models import VenueCreate
from tests.assets.test_occurs import TZ, asset_id, days, schedules
from tests.assets.test_service import make
from tests.migration_module import migration
from tests.statements import sent_statements

__all__ = ["asset_id"]  # the fixture, shared with test_occurs


# Any day and minute, clock changes' small hours too: the bound is in wall-clock minutes.
moments = st.builds(
    lambda day, hour, minute: datetime.combine(day, time(hour, minute), tzinfo=TZ),
    days, st.integers(0, 23), st.sampled_from([0, 15, 29, 30, 59]),
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(found=st.lists(schedules(), min_size=1, max_size=2), now=moments)
def test_the_bound_never_exceeds_the_next_start(
    session: Session, asset_id: int, found: list[ScheduleCreate], now: datetime
) -> None:
    session.execute(delete(Schedule).where(col(Schedule.asset_id) == asset_id))
    session.add_all(Schedule(**s.model_dump(), asset_id=asset_id) for s in found)
    session.execute(
        update(Asset)
        .where(col(Asset.id) == asset_id)
        .values(slots=schedule_slots(found), week_starts=week_starts(found))
    )
    session.flush()
    bound = session.execute(
        select(next_start_bound(col(Asset.week_starts), col(Asset.slots), now)).where(
            col(Asset.id) == asset_id
        )
    ).scalar_one()
    occurrence = next_occurrence(found, now)
    assert bound is not None, "every schedule gives its entry a start code"
    if occurrence is not None:
        assert occurrence.start >= now + timedelta(minutes=bound), (found, now, bound)


MOMENTS = [  # a weekday evening, a Sunday night, early on a clock-change day, a month's end
    datetime(2026, 11, 26, 19, 30), datetime(2026, 11, 29, 23, 15),
    datetime(2027, 3, 28, 0, 30), datetime(2026, 12, 31, 8, 0),
]  # fmt: skip
NEAR = {"near": "B69 3DE", "radius": 3}
SEARCHES = [{}, {"kind": ["meeting"]}, NEAR, {"day": ["mon"]}]
# Near a place, read from the week spans (forced: the demo data is below SPANS_FROM), the
# when= tests made on the next occurrences; the day after the clocks go back, and the small
# hours of a Monday (last week's spans running over).
SPANS_MOMENTS = [*MOMENTS, datetime(2026, 10, 26, 0, 45), datetime(2026, 11, 30, 0, 10)]
SPANS_SEARCHES = [NEAR, {**NEAR, "kind": ["meeting"]}, {"near": "B69 3DE", "radius": 10},
                  *({**NEAR, "when": when} for when in ("now", "today", "week"))]  # fmt: skip


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("filters", SEARCHES)
def test_pages_equal_every_match_sorted_by_its_next_occurrence(
    session: Session, moment: datetime, filters: dict[str, object]
) -> None:
    _pages_equal_the_truth(session, moment, filters)


@pytest.mark.parametrize("moment", SPANS_MOMENTS)
@pytest.mark.parametrize("filters", SPANS_SEARCHES)
def test_pages_from_the_week_spans_equal_every_match_sorted(
    session: Session, moment: datetime, filters: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soonest, "SPANS_FROM", -1)
    with sent_statements(session) as statements:
        _pages_equal_the_truth(session, moment, filters)
    assert any("week_span" in s for s in statements)


def test_a_filter_that_keeps_few_of_the_spans_entries_falls_back_to_the_bounds(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the page would take more entries than SPANS_BUDGET to settle (at the rate the
    filters kept the spans' entries so far), the capped walk orders the matches instead: the
    same pages."""
    monkeypatch.setattr(soonest, "SPANS_FROM", -1)
    monkeypatch.setattr(soonest, "SPANS_BUDGET", 0)
    with sent_statements(session) as statements:
        _pages_equal_the_truth(session, MOMENTS[0], {**NEAR, "kind": ["meeting"]})
    read_spans = [s for s in statements if "week_span" in s]
    assert read_spans and any("walked" in s for s in statements)
    assert len(read_spans) == 3, "one slice a page, then the capped walk"


def test_few_matches_near_a_place_are_sorted_by_their_bounds(session: Session) -> None:
    """Below SPANS_FROM expected matches (the demo data) the spans are not read: a sparse
    place's would be read a slice at a time to the week's end."""
    params = SearchParams.model_validate({**NEAR, "sort": "next"})
    with sent_statements(session) as statements:
        result = search_assets(session, params=params, now=MOMENTS[0].replace(tzinfo=zone()))
    assert result.hits and not any("week_span" in s for s in statements)


def _pages_equal_the_truth(session: Session, moment: datetime, filters: dict[str, object]) -> None:
    now = moment.replace(tzinfo=zone())
    every = search_assets(
        session, params=SearchParams.model_validate(filters), paginate=False, now=now
    )
    assert every.hits or "when" in filters, "the demo data matches each search"

    # Ties in start: nearest first around a place (`every` is in distance order), else by name.
    nearness = {h.asset.id: n for n, h in enumerate(every.hits)}

    def soonest(hit: object) -> tuple[datetime, str | int, int]:
        asset = hit.asset  # type: ignore[attr-defined]
        upcoming = next_occurrence(asset.schedules, now)
        tie = nearness[asset.id] if "near" in filters else asset.name.lower()
        return (upcoming.start if upcoming else now + NO_NEXT, tie, asset.id)

    expected = [h.asset.id for h in sorted(every.hits, key=soonest)]
    paged: list[int | None] = []
    for page in (1, 2, 3):
        params = SearchParams.model_validate({**filters, "sort": "next", "page": page,
                                              "per_page": 7})  # fmt: skip
        result = search_assets(session, params=params, now=now)
        assert result.total == len(expected)
        paged += [h.asset.id for h in result.hits]
    assert paged == expected[:21]


def test_the_migration_backfills_what_saving_stores(session: Session, asset_id: int) -> None:
    backfill = migration("0021_week_starts.py").BACKFILL
    saved = dict(session.execute(text("SELECT id, week_starts FROM asset")).all())
    session.execute(text("UPDATE asset SET week_starts = '{}'"))
    session.execute(text(backfill))
    assert dict(session.execute(text("SELECT id, week_starts FROM asset")).all()) == saved
    assert len(saved) >= 90 and all(saved.values()), "every demo entry has a schedule"


KEYED = {"near": "B69 3DE", "radius": 50, "time": "evening", "kind": ["meeting"]}


def test_past_the_cap_the_keys_matches_are_read_by_bound_and_counted(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the area keys, more matches than MAX_COMPUTED_ROWS: the ones read are those
    whose bounds come first (not the first by name, whose soonest could start days after
    another's), and the total is every match."""
    now = MOMENTS[0].replace(tzinfo=zone())
    every = search_assets(session, params=SearchParams.model_validate(KEYED), paginate=False,
                          now=now)  # fmt: skip
    monkeypatch.setattr(soonest, "MAX_COMPUTED_ROWS", 3)
    params = SearchParams.model_validate({**KEYED, "sort": "next", "per_page": 2})
    capped = search_assets(session, params=params, now=now)
    assert capped.total == every.total > 3 and capped.total_exact
    bound = next_start_bound(col(Asset.week_starts), col(Asset.slots), now)
    ids = [h.asset.id for h in every.hits]
    bounds = dict(session.execute(select(col(Asset.id), bound).where(col(Asset.id).in_(ids))).all())
    third = sorted(b for b in bounds.values() if b is not None)[2]
    assert all(bounds[h.asset.id] <= third for h in capped.hits)
    starts = [h.next.start for h in capped.hits if h.next]
    assert len(starts) == 2 and starts == sorted(starts)


def test_past_the_cap_other_searches_sort_the_first_by_name_and_estimate(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the keys, ordering every match by its bound would read them all (a search
    with no filter at a million entries: 1.3 s): the first MAX_COMPUTED_ROWS by name are
    sorted, and the total is the planner's estimate."""
    now = MOMENTS[0].replace(tzinfo=zone())
    by_name = search_assets(session, params=SearchParams(per_page=5), now=now)
    monkeypatch.setattr(soonest, "MAX_COMPUTED_ROWS", 5)
    capped = search_assets(session, params=SearchParams(sort="next", per_page=100), now=now)
    assert not capped.total_exact and capped.total > 5
    assert sorted(h.asset.id for h in capped.hits) == sorted(h.asset.id for h in by_name.hits)
    starts = [h.next.start for h in capped.hits if h.next]
    assert starts == sorted(starts)


def test_past_the_cap_searches_near_a_place_sort_the_nearest(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Around a place the matches read are the nearest (walked from the KNN index, with
    sorting off so the planner cannot sort every match first), not the first by name."""
    now = MOMENTS[0].replace(tzinfo=zone())
    near = {"near": "B69 3DE", "radius": 10}
    nearest = search_assets(session, params=SearchParams(**near, per_page=5), now=now)
    monkeypatch.setattr(soonest, "MAX_COMPUTED_ROWS", 5)
    with sent_statements(session) as statements:
        capped = search_assets(
            session, params=SearchParams(**near, sort="next", per_page=100), now=now
        )
    assert not capped.total_exact and capped.total > 5
    assert sorted(h.asset.id for h in capped.hits) == sorted(h.asset.id for h in nearest.hits)
    starts = [h.next.start for h in capped.hits if h.next]
    assert starts == sorted(starts)
    walk = statements.index(next(s for s in statements if "walked" in s))
    assert statements[walk - 1] == "SET LOCAL enable_sort = off"
    assert statements[walk + 1] == "SET LOCAL enable_sort = DEFAULT"


FAR_ROOMS = VenueCreate(name="Far Rooms", latitude=50.12, longitude=-5.54)  # no demo data near


@pytest.fixture
def far_pair(session: Session) -> tuple[int, int]:
    """Two entries at one venue far from the demo data (schedules drawn by each example)."""
    ids = []
    for n in range(2):
        asset = create_asset(session, data=make(venue=FAR_ROOMS, external_id=f"far-{n}"))
        assert asset.id is not None
        ids.append(asset.id)
    session.flush()
    return ids[0], ids[1]


def _pair(
    *weekly: tuple[int, time, time | None],
) -> tuple[list[ScheduleCreate], list[ScheduleCreate]]:
    first, second = (
        [ScheduleCreate(frequency="weekly", weekdays=[day], start_time=start, end_time=end)]
        for day, start, end in weekly
    )
    return first, second


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    found=st.tuples(*[st.lists(schedules(), min_size=1, max_size=2)] * 2),
    now=moments,
)
# Monday's small hours with Sunday night's still on (last week's span); the night the clocks
# go back with Saturday night's still on.
@example(found=_pair((6, time(23), time(1, 30)), (0, time(0, 30), None)),
         now=datetime(2026, 11, 30, 0, 10, tzinfo=TZ))  # fmt: skip
@example(found=_pair((5, time(23), time(2, 30)), (6, time(1, 30), None)),
         now=datetime(2026, 10, 25, 1, 45, tzinfo=TZ))  # fmt: skip
def test_the_spans_order_any_schedules_as_their_next_occurrences(
    session: Session,
    far_pair: tuple[int, int],
    found: tuple[list[ScheduleCreate], list[ScheduleCreate]],
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Generated schedules, any moment: from the spans, pages of one hold the two entries in
    the order of their next occurrences (ties by id: they are equally near)."""
    session.execute(delete(Schedule).where(col(Schedule.asset_id).in_(far_pair)))
    for entry, drawn in zip(far_pair, found, strict=True):
        session.add_all(Schedule(**s.model_dump(), asset_id=entry) for s in drawn)
    session.flush()
    monkeypatch.setattr(soonest, "SPANS_FROM", -1)

    def key(entry: int, drawn: list[ScheduleCreate]) -> tuple[datetime, int]:
        upcoming = next_occurrence(drawn, now)
        return (upcoming.start if upcoming else now + NO_NEXT, entry)

    expected = sorted(key(*pair) for pair in zip(far_pair, found, strict=True))
    paged = []
    for page in (1, 2):
        params = SearchParams.model_validate({"near": "50.12,-5.54", "radius": 1, "sort": "next",
                                              "page": page, "per_page": 1})  # fmt: skip
        (hit,) = search_assets(session, params=params, now=now).hits
        paged.append((hit.next.start if hit.next else now + NO_NEXT, hit.asset.id))
    assert paged == expected, (found, now)
