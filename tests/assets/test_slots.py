"""The (weekday, time band) slots stored on each entry: computed on save, backfilled by the
migration's SQL to the same values, and a superset of what the exact schedule filter keeps."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, text, true
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from app.assets import filters
from app.assets.models import Asset
from app.assets.schemas import ScheduleCreate
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import create_asset
from app.assets.slot_codes import (
    BANDS,
    DAY_PARTS,
    ON_AIR,
    ON_AIR_HOURS,
    WEEKDAY_NAMES,
    on_air_codes,
    slot_codes,
)
from app.assets.slots import on_air_during, schedule_slots
from app.core.explain import ExplainJson
from app.core.time import TimeBand, zone
from tests.assets.test_service import make
from tests.migration_module import migration
from tests.statements import sent_statements


def _python_slots(session: Session) -> dict[int, list[int]]:
    assets = session.execute(select(Asset).options(selectinload(Asset.schedules))).scalars()  # type: ignore[arg-type]
    return {a.id: schedule_slots(a.schedules) for a in assets if a.id is not None}


def test_codes_and_kinds_of_schedule() -> None:
    assert slot_codes([0], [TimeBand.morning]) == [0]
    assert slot_codes([6], [TimeBand.night]) == [27]
    M, A, E, N = range(4)
    schedules = [
        ScheduleCreate(frequency="weekly", weekdays=[1, 3], start_time=time(19, 30)),
        ScheduleCreate(frequency="monthly_day", month_day=15, start_time=time(4, 30)),  # night
        ScheduleCreate(frequency="once", dates=[date(2026, 12, 5)], start_time=time(12)),  # Sat
    ]
    starts = {1 * 4 + E, 3 * 4 + E, 5 * 4 + A, *(d * 4 + N for d in range(7))}
    # An hour when no end is given: 19:30–20:30, 04:30–05:30 (night, then morning), 12–13.
    on_air = {1 * 4 + E, 3 * 4 + E, 5 * 4 + A, *(d * 4 + b for d in range(7) for b in (N, M))}
    hours = {(1, 19), (1, 20), (3, 19), (3, 20), (5, 12),
             *((d, h) for d in range(7) for h in (4, 5))}  # fmt: skip
    on_air_hours = {ON_AIR_HOURS + d * 24 + h for d, h in hours}
    assert schedule_slots(schedules) == sorted(starts | {ON_AIR + c for c in on_air} | on_air_hours)
    late = ScheduleCreate(frequency="weekly", weekdays=[6], start_time=time(23),
                          end_time=time(1))  # fmt: skip
    sunday_23, monday_0 = ON_AIR_HOURS + 6 * 24 + 23, ON_AIR_HOURS
    assert schedule_slots([late]) == sorted(
        [6 * 4 + N, ON_AIR + 0 * 4 + N, ON_AIR + 6 * 4 + N, sunday_23, monday_0]
    )
    assert monday_0 == 56 and sunday_23 == 223  # as migration 0025 writes them


def test_saved_entries_carry_their_slots(session: Session) -> None:
    asset = create_asset(session, data=make())  # Thursday 18:00
    session.refresh(asset)
    thursday_18 = ON_AIR_HOURS + 3 * 24 + 18
    assert asset.slots == [3 * 4 + 2, ON_AIR + 3 * 4 + 2, thursday_18]  # Thursday 18:00, 1 h


def _stored(session: Session) -> dict[int, list[int]]:
    return {int(i): list(s) for i, s in session.execute(text("SELECT id, slots FROM asset")).all()}


def test_the_migration_backfills_what_saving_computes(session: Session) -> None:
    """0016's slots, then 0025's hours added to them."""
    backfills = [
        migration(name).BACKFILL for name in ("0016_on_air_slots.py", "0025_on_air_hours.py")
    ]
    create_asset(session, data=make(external_id="saved-now"))  # through the service
    session.execute(text("UPDATE asset SET slots = '{}' WHERE source <> 'test'"))
    for backfill in backfills:
        session.execute(text(backfill))
    session.expire_all()
    stored, computed = _stored(session), _python_slots(session)
    assert stored == computed
    assert len(stored) >= 90 and all(stored.values()), "every demo entry has a schedule"


def _shortcuts_hide_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch, params: SearchParams,
    shortcuts: tuple[str, ...], hours: range,
) -> None:  # fmt: skip
    """The hits are the same with these filters' shortcuts (conditions on the entry's row that
    narrow the exact tests) as with each of them true, at each hour from the Sunday night
    before a Monday (every minute of the hour in turn), the demo data and a late meeting that
    runs past midnight."""
    late = make(external_id="late", schedules=[
        ScheduleCreate(frequency="weekly", weekdays=[6], start_time=time(23), end_time=time(1))
    ])  # fmt: skip
    create_asset(session, data=late)
    monday = datetime(2026, 11, 23, tzinfo=zone())
    seen = 0
    for hour in hours:
        now = monday + timedelta(hours=hour, minutes=hour * 29 % 60)  # :00 … :59
        fast = search_assets(session, params=params, now=now)
        with monkeypatch.context() as slow:
            for shortcut in shortcuts:
                slow.setattr(filters, shortcut, lambda *_: true())
            exact = search_assets(session, params=params, now=now)
        assert [h.asset.id for h in fast.hits] == [h.asset.id for h in exact.hits], now
        seen += len(exact.hits)
    assert seen > 0, "the demo data has something on at some of these hours"


@pytest.mark.parametrize("when", ["today", "now"])
def test_the_on_air_prefilter_never_hides_what_the_exact_check_keeps(
    session: Session, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    params = SearchParams.model_validate({"when": when, "per_page": 100})
    _shortcuts_hide_nothing(
        session, monkeypatch, params, ("on_air_from", "on_air_at"), range(-3, 24)
    )


def test_exact_slots_are_set_on_save_and_backfilled_alike(session: Session) -> None:
    ends = make(external_id="ends", schedules=[
        ScheduleCreate(frequency="weekly", weekdays=[0], start_time=time(19),
                       valid_until=date(2026, 1, 5))
    ])  # fmt: skip
    once = make(external_id="once", schedules=[
        ScheduleCreate(frequency="once", dates=[date(2026, 1, 5)], start_time=time(19))
    ])  # fmt: skip
    saved = [create_asset(session, data=d) for d in (make(external_id="plain"), ends, once)]
    assert [a.slots_exact for a in saved] == [True, False, False]
    backfill = migration("0020_exact_slots.py").BACKFILL
    before = dict(session.execute(text("SELECT id, slots_exact FROM asset")).all())
    session.execute(text("UPDATE asset SET slots_exact = NOT slots_exact"))
    session.execute(text(backfill))
    assert dict(session.execute(text("SELECT id, slots_exact FROM asset")).all()) == before
    assert any(before.values()) and not all(before.values())


@pytest.mark.parametrize(
    "params",
    [{"day": ["mon"]}, {"day": ["mon", "tue"], "time": "evening"}, {"time": "evening"},
     {"near": "B69 3DE", "radius": 5, "day": ["mon"], "time": "evening"}],
)  # fmt: skip
def test_exact_slots_skip_only_probes_that_cannot_change_the_answer(
    session: Session, params: dict[str, object]
) -> None:
    """Past and ended Monday-evening entries are left out with or without the shortcut."""
    ended = make(external_id="ended", schedules=[
        ScheduleCreate(frequency="weekly", weekdays=[0, 1], start_time=time(19),
                       valid_until=date(2025, 1, 6))
    ])  # fmt: skip
    past = make(external_id="past", schedules=[
        ScheduleCreate(frequency="once", dates=[date(2025, 1, 6)], start_time=time(19))
    ])  # fmt: skip
    gone = {create_asset(session, data=d).id for d in (ended, past)}
    search = SearchParams.model_validate({**params, "per_page": 100})
    fast = [h.asset.id for h in search_assets(session, params=search).hits]
    session.execute(text("UPDATE asset SET slots_exact = false"))  # every schedule probed
    assert fast == [h.asset.id for h in search_assets(session, params=search).hits]
    assert fast and not gone & set(fast)


@pytest.mark.parametrize(
    "params",
    [{"when": "today"}, {"when": "now"}, *({"day": [d]} for d in WEEKDAY_NAMES),
     {"day": ["sun"], "time": "night"}],
)  # fmt: skip
def test_a_days_index_condition_never_hides_a_match(
    session: Session, monkeypatch: pytest.MonkeyPatch, params: dict[str, object]
) -> None:
    """A near search for one day also asks its walks for entries on air that day (the
    predicate of that day's index, migration 0023): it must hold of every match."""
    search = SearchParams.model_validate({**params, "near": "B69 3DE", "radius": 50,
                                          "per_page": 100})  # fmt: skip
    _shortcuts_hide_nothing(session, monkeypatch, search, ("on_air_during",), range(-3, 24, 3))


@pytest.mark.parametrize(
    ("bands", "index"),
    [(BANDS, "ix_asset_published_grid_thu"),
     ([TimeBand.afternoon, TimeBand.night], "ix_asset_published_grid_thu_from_afternoon"),
     ([TimeBand.evening], "ix_asset_published_grid_thu_from_evening"),
     ([TimeBand.night], "ix_asset_published_grid_thu_night"),
     ([TimeBand.morning], "ix_asset_published_grid_thu_morning"),
     ([TimeBand.afternoon], "ix_asset_published_grid_thu_afternoon")],
)  # fmt: skip
def test_a_near_search_for_one_day_can_walk_that_days_index(
    session: Session, bands: list[TimeBand], index: str
) -> None:
    """The search's condition is the index predicate to the letter (app.assets.slot_codes):
    the planner can walk the index of the smallest part of Thursday holding `bands` nearest
    first. Over the demo data's few rows it may as well walk every published entry's index
    and filter, so those two are dropped (in the test's transaction) and sorting is off: a
    predicate it could not prove would leave a sequential scan and a sort."""
    origin = func.ST_SetSRID(func.ST_MakePoint(400000, 290000), 27700)
    nearest = (
        select(col(Asset.id))
        .where(col(Asset.status) == "published", on_air_during(3, bands))
        .order_by(col(Asset.grid).op("<->")(origin))
        .limit(5)
    )
    session.execute(text("DROP INDEX ix_asset_published_grid"))
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_sort = off"))
    plan = json.dumps(session.execute(ExplainJson(nearest)).scalar_one())
    assert f'"Index Name": "{index}"' in plan, plan


def test_every_part_of_a_day_has_its_index(session: Session) -> None:
    """The parts the searches name (DAY_PARTS) are the indexes the migrations built, each
    predicate to the letter, for every weekday."""
    built = dict(session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes"
        " WHERE indexname LIKE 'ix_asset_published_grid_%'"
    )).all())  # fmt: skip
    assert len(built) == len(WEEKDAY_NAMES) * len(DAY_PARTS)
    for day, name in enumerate(WEEKDAY_NAMES):
        for suffix, part in DAY_PARTS.items():
            codes = on_air_codes(day, part).split("::")[0]
            assert codes in built[f"ix_asset_published_grid_{name}{suffix}"]


@pytest.mark.parametrize(
    ("params", "at", "part"),
    [({"when": "today"}, time(2), BANDS),  # the night's first hours: all of the day is left
     ({"when": "today"}, time(9), BANDS),
     ({"when": "today"}, time(13, 30), BANDS[1:]),
     ({"when": "today"}, time(20, 59), BANDS[2:]),
     ({"when": "today"}, time(21, 35), BANDS[3:]),
     ({"when": "now"}, time(2), BANDS[3:]),  # on now: in now's band
     ({"when": "now"}, time(9), BANDS[:1]),
     ({"when": "now"}, time(13), BANDS[1:2]),
     ({"when": "now"}, time(18), BANDS[2:]),  # no index of the evening alone
     ({"day": ["thu"]}, time(23), BANDS),
     ({"day": ["thu"], "time": "morning"}, time(23), BANDS[:1]),
     ({"day": ["thu"], "time": "evening"}, time(9), BANDS[2:])],
)  # fmt: skip
def test_a_days_walk_is_the_smallest_part_of_it_a_match_is_on_air_in(
    params: dict[str, object], at: time, part: tuple[TimeBand, ...]
) -> None:
    """Which of Thursday's indexes a near search walks (26 Nov 2026 is a Thursday)."""
    search = SearchParams.model_validate({**params, "near": "B69 3DE"})
    now = datetime.combine(date(2026, 11, 26), at, tzinfo=zone())
    [walk] = filters.day_walk(search, now, by_area=False)
    assert on_air_codes(3, part) in str(walk.compile())
    assert filters.day_walk(search, now, by_area=True) == []


def test_the_days_index_condition_is_in_the_walks_not_in_the_estimate(session: Session) -> None:
    """The planner multiplies the selectivities of implied conditions: asked of the estimate,
    the day's condition would shrink the "about N" totals (when=today near B69 at a million
    entries: 483 expected for 3,175). So it is asked only where matches are walked."""
    when = datetime(2026, 11, 26, 13, 30, tzinfo=zone())  # a Thursday
    with sent_statements(session) as sent:
        search_assets(session, params=SearchParams(near="B69 3DE", radius=5, when="today"),
                      now=when)  # fmt: skip
    thursday = on_air_codes(3, BANDS[1:])  # what is left of the day at 13:30
    estimates = [s for s in sent if s.startswith("EXPLAIN")]
    walks = [s for s in sent if "count(*) OVER" in s]
    assert estimates and walks
    assert not any(thursday in s for s in estimates)
    assert all(thursday in s for s in walks)
