"""Searches of one shape share their statements: made once, run with each search's point
bound. Each search still finds what a search made afresh finds; a town's shapes are kept for
that town, and shapes tested against the clock for their minute."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.assets import search, statements
from app.assets.models import AssetKind
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.search_query import SearchQuery
from app.core.explain import ExplainJson
from app.core.time import zone
from tests.searches import OLDBURY, TIPTON, found
from tests.statements import sent_statements

MINUTE = datetime(2026, 11, 26, 9, 30, tzinfo=zone())  # a Thursday morning


def _query(session: Session, now: datetime = MINUTE, **given: Any) -> SearchQuery:
    params = SearchParams.model_validate(given)
    scratch = search.SearchResult(hits=[], total=0, params=params, now=now)
    return search._build(session, params, scratch.now, scratch, search.PUBLISHED, None, 2.0)


def test_near_searches_of_one_shape_share_statements_each_with_its_own_point(
    session: Session,
) -> None:
    here = _query(session, near=OLDBURY, radius=3, kind=["meeting"])
    there = _query(session, near=TIPTON, radius=3, kind=["meeting"])
    assert there.stmt is here.stmt and there.made is here.made
    assert here.values != there.values
    assert here.values == {"origin_longitude": -2.0089, "origin_latitude": 52.5046}


@pytest.mark.parametrize(
    "shape",
    [{"radius": 3}, {"radius": 2, "kind": ["meeting"]}, {"radius": 4, "q": "recovery"},
     {"radius": 3, "per_page": 5, "page": 2}, {"radius": 3, "sort": "name"}],
)  # fmt: skip
def test_a_search_after_one_of_its_shape_finds_what_it_finds_alone(
    session: Session, monkeypatch: pytest.MonkeyPatch, shape: dict[str, Any]
) -> None:
    alone = found(session, near=TIPTON, **shape)
    monkeypatch.setattr(statements, "_SHAPES", statements._Kept())
    found(session, near=OLDBURY, **shape)  # makes the shape's statements around Oldbury
    after = found(session, near=TIPTON, **shape)
    assert after == alone
    assert alone[0], "the demo data has entries there"


@pytest.mark.parametrize(
    "shape",
    [{"radius": 3}, {"radius": 2, "kind": ["meeting"]}, {"radius": 3, "per_page": 5, "page": 2},
     {"radius": 3, "sort": "name"}, {"radius": 3, "q": "recovery", "per_page": 100},
     {"radius": 5, "kind": ["meeting", "club"], "access": ["step_free", "hearing_loop"]},
     {"radius": 5, "audience": "women", "mode": "in_person"},
     {"radius": 5, "interest": ["mutual-aid"], "modified_after": "2020-01-01T00:00:00Z"},
     {"radius": 5, "fellowship": "AA", "type": "O", "age": 30}],
)  # fmt: skip
def test_a_shared_shapes_statements_on_the_drivers_cursor_find_what_sqlalchemy_finds(
    session: Session, monkeypatch: pytest.MonkeyPatch, shape: dict[str, Any]
) -> None:
    """Kept statements are compiled once and run on the driver's cursor (app.core.fixed);
    made for one search they go through SQLAlchemy's execution. Both find the same."""
    with sent_statements(session) as sent:
        shared = found(session, near=TIPTON, **shape)
    assert any("origin_longitude" in s for s in sent)
    assert next(iter(statements._SHAPES._kept.values())).made.shared
    monkeypatch.setattr(search, "statements_for", lambda shape: shape.make())
    assert found(session, near=TIPTON, **shape) == shared
    assert shared[0], "the demo data has entries there"


def test_one_shapes_searches_send_the_same_statements(session: Session) -> None:
    with sent_statements(session) as here:
        search_assets(session, params=SearchParams(near=OLDBURY, radius=3))
    with sent_statements(session) as there:
        search_assets(session, params=SearchParams(near=TIPTON, radius=3))
    around = [s for s in here if "origin_longitude" in s]  # the estimate, the page
    assert len(around) >= 2
    assert around == [s for s in there if "origin_longitude" in s], "the point is a parameter"
    assert not any("-2.0089" in s or "52.5046" in s for s in here)


CLOCK_SHAPES = [
    {"near": OLDBURY, "when": "today"}, {"near": OLDBURY, "when": "now"},
    {"near": OLDBURY, "day": ["mon"]}, {"near": OLDBURY, "sort": "next"},
    {"near": OLDBURY, "time": "evening"}, {"near": OLDBURY, "starts_after": "18:00"},
    {"town": "oldbury", "day": ["fri"], "time": "evening"},
]  # fmt: skip


@pytest.mark.parametrize("given", CLOCK_SHAPES)
def test_shapes_tested_against_the_clock_are_kept_for_their_minute(
    session: Session, given: dict[str, Any]
) -> None:
    first = _query(session, **given)
    assert _query(session, **given).stmt is first.stmt
    assert _query(session, now=MINUTE + timedelta(minutes=1), **given).stmt is not first.stmt


def test_a_towns_shapes_are_kept_for_that_town(session: Session) -> None:
    oldbury = _query(session, town="oldbury", kind=["meeting"])
    assert _query(session, town="oldbury", kind=["meeting"]).stmt is oldbury.stmt
    assert _query(session, now=MINUTE + timedelta(days=1), town="oldbury", kind=["meeting"]).stmt \
        is oldbury.stmt, "no clock in it"  # fmt: skip
    assert _query(session, town="tipton", kind=["meeting"]).stmt is not oldbury.stmt
    assert _query(session, town="sandwell", kind=["meeting"]).stmt is not oldbury.stmt


@pytest.mark.parametrize(
    "shape",
    [{"when": "today"}, {"when": "week", "sort": "next"}, {"day": ["mon", "thu"]},
     {"time": "evening", "kind": ["meeting"]}, {"starts_after": "18:00"}],
)  # fmt: skip
def test_a_clock_shapes_search_after_one_of_its_shape_finds_what_it_finds_alone(
    session: Session, monkeypatch: pytest.MonkeyPatch, shape: dict[str, Any]
) -> None:
    def at(place: str) -> tuple[list[Any], int]:
        params = SearchParams.model_validate({"near": place, "radius": 3, **shape})
        result = search_assets(session, params=params, now=MINUTE)
        return [h.asset.id for h in result.hits], result.total

    alone = at(TIPTON)
    monkeypatch.setattr(statements, "_SHAPES", statements._Kept())
    at(OLDBURY)  # makes the shape's statements around Oldbury, for the minute
    assert at(TIPTON) == alone
    assert alone[0], "the demo data has entries there"


def test_a_search_is_answered_for_its_minute(session: Session) -> None:
    """Schedules start and end on whole minutes: a search at any second of a minute finds
    what one at its start finds, and says the minute's time."""
    params = SearchParams(near=OLDBURY, radius=3, when="today")
    at_the_minute = search_assets(session, params=params, now=MINUTE)
    later = search_assets(session, params=params, now=MINUTE + timedelta(seconds=59.9))
    assert later.now == MINUTE == at_the_minute.now
    assert [(h.asset.id, h.next) for h in later.hits] == [
        (h.asset.id, h.next) for h in at_the_minute.hits
    ]
    assert at_the_minute.hits, "the demo data has something on near Oldbury that day"


def test_different_filters_or_radii_are_different_shapes(session: Session) -> None:
    first = _query(session, near=OLDBURY, kind=["meeting"])
    assert _query(session, near=OLDBURY, kind=["club"]).stmt is not first.stmt
    assert _query(session, near=OLDBURY, kind=["meeting"], radius=2).stmt is not first.stmt
    assert _query(session, near=OLDBURY, kind=["meeting"], q="walk").stmt is not first.stmt
    assert _query(session, near=TIPTON, kind=["meeting"], page=3).stmt is first.stmt


def test_only_the_last_shapes_are_kept(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements, "SHAPES_KEPT", 2)
    first = _query(session, near=OLDBURY, radius=1)
    _query(session, near=OLDBURY, radius=2)
    _query(session, near=OLDBURY, radius=3)  # the first is let go
    assert _query(session, near=OLDBURY, radius=1).stmt is not first.stmt


@pytest.mark.parametrize("kind", list(AssetKind))
def test_a_near_search_for_one_kind_walks_that_kinds_index(session: Session, kind: str) -> None:
    """Nearest first, a search for one kind reads that kind's places alone (migration 0028).
    Over the demo data's few rows a scan and a sort would do as well, so those are off."""
    query = _query(session, near=OLDBURY, radius=3, kind=[kind])
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_sort = off"))
    plan = json.dumps(session.execute(ExplainJson(query.stmt.limit(30)), query.values).scalar())
    assert f'"Index Name": "ix_asset_published_{kind}_grid"' in plan, plan
