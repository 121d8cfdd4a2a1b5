"""Area keys (migration 0019, app.assets.area) only narrow: a search naming a place and a day or
time band finds exactly what it finds without them, at every cell size."""

import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.assets import area, paging
from app.assets.models import AssetKind
from app.assets.search import search_assets
from app.assets.search_params import SearchParams, Sort
from app.venues.models import AccessFeature
from tests.migration_module import migration
from tests.statements import sent_statements

SEARCHES: list[dict[str, Any]] = [
    {"near": "B69 3DE", "radius": 1, "day": ["tue"], "kind": ["meeting"], "sort": "name"},  # 4 km
    {"near": "B69 3DE", "radius": 3, "time": "evening", "kind": ["meeting"], "sort": "next"},
    {"near": "52.5,-2.0", "radius": 10, "day": ["mon", "fri"], "time": "evening",
     "kind": ["meeting", "club"], "q": "group"},  # 16 km cells, by distance
    {"near": "52.52,-2.05", "radius": 50, "day": ["sat", "sun"], "time": "morning",
     "kind": ["club", "course"], "sort": "name"},  # 64 km cells
    {"near": "B70", "radius": 5, "day": ["sat"], "time": "morning", "access": ["step_free"]},
    {"near": "B69 3DE", "radius": 10, "day": ["mon", "thu"], "kind": ["meeting"],
     "access": ["hearing_loop", "step_free"], "sort": "next"},  # the keys of the first feature
    {"near": "52.5,-2.0", "radius": 10, "day": ["mon", "tue"], "time": "evening",
     "kind": ["meeting", "club"],
     "access": ["step_free"], "q": "recovery", "sort": "next"},  # the combined search's shape
    {"near": "B69 3DE", "radius": 5, "day": ["sat", "sun"], "q": "walk", "kind": ["club"],
     "sort": "next"},
    # Every kind on two evenings: 16 keys a cell, asked soonest first or with text and access.
    {"near": "B69 3DE", "radius": 5, "day": ["mon", "tue"], "time": "evening", "sort": "next"},
    {"near": "B69 3DE", "radius": 10, "day": ["mon", "tue"], "time": "evening",
     "access": ["step_free"], "q": "meeting"},
]  # fmt: skip


def _ids(session: Session, params: dict[str, Any]) -> list[int | None]:
    found = search_assets(session, params=SearchParams.model_validate(params), paginate=False)
    return [h.asset.id for h in found.hits]


def _pages(session: Session, params: dict[str, Any]) -> list[tuple[list[int | None], int]]:
    pages = []
    for page in (1, 2):
        one = SearchParams.model_validate({**params, "page": page, "per_page": 7})
        found = search_assets(session, params=one)
        pages.append(([h.asset.id for h in found.hits], found.total))
    return pages


@pytest.mark.parametrize("params", SEARCHES)
def test_keys_find_what_the_filters_alone_find(
    session: Session, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]
) -> None:
    search = SearchParams.model_validate(params)
    assert area.keyed(search, search.sort or Sort.distance)
    keyed, keyed_pages = _ids(session, params), _pages(session, params)
    monkeypatch.setattr(area, "keyed", lambda p, sort: False)
    assert keyed == _ids(session, params)
    assert keyed_pages == _pages(session, params)
    assert keyed, "the demo data matches each search"


def test_when_the_keys_are_not_asked() -> None:
    """Without text or access features nearest first is faster than the keys (14 ms to 29 at
    a million entries), and so it is with many keys a cell (app.assets.area)."""
    search = SearchParams.model_validate({"near": "B69 3DE", "day": ["fri"], "kind": ["meeting"]})
    assert not area.keyed(search, Sort.distance)
    assert area.keyed(search, Sort.next)
    # Any kind on any evening is 56 keys a cell: merging them costs more than they save.
    evenings = SearchParams.model_validate({"near": "B69 3DE", "time": "evening", "q": "walk"})
    assert not area.keyed(evenings, Sort.next)
    # Any kind on two evenings, 16: asked only when few of the nearest would pass.
    two = {"near": "B69 3DE", "day": ["mon", "tue"], "time": "evening"}
    assert area.keyed(SearchParams.model_validate(two), Sort.next)
    assert area.keyed(SearchParams.model_validate(two), Sort.distance) is False
    both = SearchParams.model_validate({**two, "q": "walk", "access": ["step_free"]})
    assert area.keyed(both, Sort.distance)
    # By name, or with text or a feature alone: as many are expected (see the next test).
    assert area.keyed(SearchParams.model_validate(two), Sort.name) is None
    assert area.keyed(SearchParams.model_validate({**two, "q": "walk"}), Sort.distance) is None


TWO_EVENINGS = {"near": "B69 3DE", "radius": 5, "day": ["mon", "tue"], "time": "evening"}
ASKED = [{**TWO_EVENINGS, "q": "group"}, {**TWO_EVENINGS, "access": ["step_free"]},
         {**TWO_EVENINGS, "sort": "name"}]  # fmt: skip


def _keyed_sql(statements: list[str]) -> bool:
    return any("area_keys_near(" in s for s in statements)


@pytest.mark.parametrize("params", ASKED)
def test_with_many_keys_the_planners_estimate_chooses(
    session: Session, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]
) -> None:
    """16 keys a cell with text alone, a feature alone or by name: the keys when the planner
    expects few enough to be counted (the walk would read every entry that fails on its way
    to the count), the nearest walk when it expects more."""
    search = SearchParams.model_validate(params)
    assert area.keyed(search, search.sort or Sort.distance) is None
    with sent_statements(session) as few:
        chosen, chosen_pages = _ids(session, params), _pages(session, params)
    assert _keyed_sql(few), "the demo data's few: the keys"
    trusted = paging.TRUST_ESTIMATE_ABOVE
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", -1)  # as if it expected thousands
    with sent_statements(session) as many:
        _pages(session, params)
    assert not _keyed_sql(many)
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", trusted)
    monkeypatch.setattr(area, "keyed", lambda p, sort: False)
    assert chosen == _ids(session, params) and chosen
    assert chosen_pages == _pages(session, params)


def test_every_entry_within_reach_has_a_key_the_search_lists(session: Session) -> None:
    """Straight from the SQL functions: around each of 40 published entries' own points, at
    each cell size, the entry's keys meet the keys listed for its kind and start slots."""
    missed = session.execute(
        text(
            """
            SELECT a.id, r FROM (SELECT * FROM asset WHERE status = 'published'
                                 AND location IS NOT NULL ORDER BY id LIMIT 40) a,
                   unnest(ARRAY[1000.0, 8000.0, 30000.0, 80000.0]) AS r
            WHERE NOT a.area_keys && area_keys_near(
                ST_Translate(a.grid, r * 0.7, -r * 0.7), r, ARRAY[a.kind],
                ARRAY(SELECT s FROM unnest(a.slots) s WHERE s < 28))
              AND EXISTS (SELECT 1 FROM unnest(a.slots) s WHERE s < 28)
            """
        )
    ).all()
    assert missed == []


def test_the_search_keys_are_worked_out_when_the_search_is_planned(session: Session) -> None:
    """`area_keys_near` is immutable: the planner sees its keys as a constant array and can
    estimate the matches from the column's statistics (the plan at a million entries, using
    ix_asset_published_area, is in docs/performance.md)."""
    plan = "\n".join(
        r[0]
        for r in session.execute(
            text(
                "EXPLAIN SELECT id FROM asset WHERE status = 'published' AND area_keys && "
                "area_keys_near(ST_MakePoint(400000, 290000)::geometry, 16000, "
                "ARRAY['meeting']::varchar[], ARRAY[2, 6])"
            )  # fmt: skip
        )
    )
    assert "area_keys && '{" in plan and "area_keys_near" not in plan, plan


def test_the_indexes_searches_read_have_no_pending_list(session: Session) -> None:
    """Migration 0022: a pending list is read end to end by every search until a vacuum."""
    options = dict(
        session.execute(
            text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:names)"),
            {"names": ["ix_asset_published_area", "ix_asset_published_area_access",
                       "ix_asset_published_slots", "ix_asset_search_vector"]},
        ).all()
    )  # fmt: skip
    assert len(options) == 4
    assert all("fastupdate=off" in (o or []) for o in options.values()), options


def test_every_kind_has_its_number_in_the_keys() -> None:
    """Kinds are numbered in AssetKind's order by migration 0019: a new kind needs a migration
    that redefines `area_key`, or its entries would carry no keys."""
    numbered = re.findall(r"'(\w+)'", migration("0019_area_keys.py").KINDS)
    assert numbered == [k.value for k in AssetKind]


def test_every_entry_within_reach_has_a_key_with_each_of_its_features(session: Session) -> None:
    """Migration 0029, straight from the SQL functions: around each of 40 published entries
    with access features, the keys with each feature it has meet those a search needing that
    feature lists; and an entry without a feature has no key with it."""
    rows = session.execute(
        text(
            """
            SELECT a.id, f, area_access_keys(a.area_keys, a.access) && area_access_keys(
                area_keys_near(ST_Translate(a.grid, 5600, -5600), 8000, ARRAY[a.kind],
                               ARRAY(SELECT s FROM unnest(a.slots) s WHERE s < 28)),
                ARRAY[f]::varchar[]) AS meets, f = ANY(a.access) AS has
            FROM (SELECT * FROM asset WHERE status = 'published' AND location IS NOT NULL
                  AND cardinality(access) > 0
                  AND EXISTS (SELECT 1 FROM unnest(slots) s WHERE s < 28)
                  ORDER BY id LIMIT 40) a,
                 unnest(ARRAY['step_free', 'accessible_toilet', 'hearing_loop', 'parking',
                              'quiet_room', 'public_transport']) AS f
            """
        )
    ).all()
    assert any(r.has for r in rows), "the demo data has entries with access features"
    assert [r for r in rows if r.meets != r.has] == []


def test_a_search_needing_a_feature_reads_the_keys_with_it(session: Session) -> None:
    """The search's keys with its first feature are worked out when it is planned, and the
    index over the entries' keys with theirs is what finds them."""
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        r[0]
        for r in session.execute(
            text(
                "EXPLAIN SELECT id FROM asset WHERE status = 'published' AND "
                "area_access_keys(area_keys, access) && area_access_keys(area_keys_near("
                "ST_MakePoint(400000, 290000)::geometry, 16000, ARRAY['meeting']::varchar[], "
                "ARRAY[2, 6]), ARRAY['step_free']::varchar[])"
            )
        )
    )
    assert "ix_asset_published_area_access" in plan and "area_keys_near" not in plan, plan


def test_every_access_feature_has_its_number_in_the_keys() -> None:
    """Features are numbered in AccessFeature's order by migration 0029: a new one needs a
    migration that adds it at the end of the list, or searches needing it would find none."""
    assert list(migration("0029_area_access_keys.py").FEATURES) == [f.value for f in AccessFeature]


def test_the_planner_has_statistics_on_the_keys_with_features(session: Session) -> None:
    """Migration 0030: the expression the access index is over has statistics of its own
    (element frequencies), and a search's estimate comes from them, not from the 0.5% a key
    was guessed to match without them."""
    session.execute(text("ANALYZE asset"))
    key, share = session.execute(
        text(
            "SELECT e, f FROM pg_stats_ext_exprs AS s, "
            "unnest(s.most_common_elems::text::integer[], s.most_common_elem_freqs) AS u(e, f) "
            "WHERE s.statistics_name = 'st_asset_area_access_keys' AND e IS NOT NULL "
            "ORDER BY f DESC LIMIT 1"
        )
    ).one()
    entries = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'asset'"))
    plan = session.execute(
        text(
            "EXPLAIN (FORMAT JSON) SELECT id FROM asset "
            "WHERE area_access_keys(area_keys, access) && ARRAY[:key]"
        ),
        {"key": key},
    ).scalar_one()
    expected = share * entries
    assert share > 0.02 and expected > 2 * 0.005 * entries, "a key more common than the guess"
    assert abs(plan[0]["Plan"]["Plan Rows"] - expected) <= max(1.0, 0.1 * expected)
