"""The benchmarks' synthetic directory (bench.synthetic): the demo directory's mix of schedules,
interests, organisations and shared venues, valid as a mapper's entries are, and loadable."""

import collections
from datetime import date

import psycopg
from sqlalchemy import text
from sqlmodel import Session

from app.assets.schemas import ScheduleCreate
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core.time import Frequency
from bench.search import bench_now
from bench.synthetic import SCHEDULE_COLUMNS, generate, load, mark

N = 3000


def _schedules(rows: list[tuple[object, ...]]) -> list[dict[str, object]]:
    names = [c.strip() for c in SCHEDULE_COLUMNS.split(",")]
    out = []
    for row in rows:
        s = dict(zip(names, row, strict=True))
        for array in ("weekdays", "dates", "cancelled_dates"):
            inner = str(s[array]).strip("{}")
            parse = int if array == "weekdays" else date.fromisoformat
            s[array] = [parse(v) for v in inner.split(",")] if inner else []
        out.append(s)
    return out


def test_the_mix_has_every_kind_of_schedule_each_valid_as_a_mappers() -> None:
    rows = generate(N, seed=7, bases=(0, 0, 0))
    schedules = _schedules(rows.schedules)
    for s in schedules:
        ScheduleCreate.model_validate({k: v for k, v in s.items() if k != "asset_id"})
    kinds = collections.Counter(
        (s["frequency"], s["interval"], s["valid_until"] is not None, bool(s["cancelled_dates"]))
        for s in schedules
    )
    frequencies = {f for f, *_ in kinds}
    assert frequencies == {f.value for f in Frequency}
    weekly = sum(n for (f, i, *_), n in kinds.items() if f == "weekly" and i == 1)
    assert 0.7 < weekly / len(schedules) < 0.95  # most, as in the demo directory
    assert any(i == 2 for _, i, *_ in kinds)  # fortnightly
    assert any(bounded for _, _, bounded, _ in kinds)  # a course's term
    assert any(cancelled for *_, cancelled in kinds)


def test_entries_share_venues_and_carry_interests_and_organisations() -> None:
    rows = generate(N, seed=7, bases=(10, 20, 30))
    in_person = [a for a in rows.assets if a[7] is not None]
    assert len(rows.venues) < 0.6 * len(in_person)
    assert {a[7] for a in in_person} <= {v[0] for v in rows.venues}
    ids = [int(str(a[0])) for a in rows.assets]
    assert min(ids) == 31 and min(int(str(v[0])) for v in rows.venues) == 21
    online = [a for a in rows.assets if a[12] == "online"]
    assert online and all(a[7] is None and a[13] for a in online)
    with_interests = {aid for aid, _ in rows.interests}
    assert len(with_interests) == len(rows.assets)  # every demo entry has an interest
    organised = [a[8] for a in rows.assets if a[8] is not None]
    assert 0.3 < len(organised) / len(rows.assets) < 0.9
    assert set(organised) <= {o[0] for o in rows.organisations}


def test_the_same_seed_makes_the_same_directory() -> None:
    one, two = generate(500, seed=3, bases=(0, 0, 0)), generate(500, seed=3, bases=(0, 0, 0))
    assert one == two
    assert generate(500, seed=4, bases=(0, 0, 0)).assets != one.assets


def test_a_load_is_searchable_as_a_mappers_entries_are(session: Session) -> None:
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    sequences = "SELECT last_value FROM venue_id_seq UNION ALL SELECT last_value FROM asset_id_seq"
    before = session.execute(text(sequences)).scalars().all()
    load(driver, 400, seed=5)
    after = session.execute(text(sequences)).scalars().all()
    # Sequences outlive the test's rolled-back transaction: set back below a row kept outside
    # it, the next insert would take that row's id.
    assert all(a >= b for a, b in zip(after, before, strict=True))
    counted = session.execute(
        text(
            "SELECT (SELECT count(*) FROM asset WHERE source = 'bench'), "
            "(SELECT count(*) FROM asset_interest), (SELECT count(DISTINCT asset_id) "
            "FROM week_span), (SELECT count(*) FROM asset WHERE organisation_id IS NOT NULL), "
            "obj_description('asset'::regclass)"
        )
    ).one()
    assert counted[0] == 400 and counted[1] >= 400 and counted[3] > 0
    assert counted[2] > 300  # every entry with a place has its week spans (migration 0027)
    assert counted[4] == mark(400, only_meetings=False, local=False)
    london = SearchParams(near="51.507,-0.128", radius=10)
    found = search_assets(session, params=london, now=bench_now())
    assert found.total > 20 and found.hits[0].distance_miles is not None
    walking = search_assets(session, params=london.model_copy(update={"interest": ["walking"]}))
    assert 0 < walking.total < found.total
    assert all("walking" in {i.slug for i in h.asset.interests} for h in walking.hits)
