"""A plain near search (kinds at most) walks the nearest entries on one plan for every point:
its origin worked out once a run (app.core.geo.with_origin_once), its own values written into
the statement, the caller's point left as parameters (app.core.fixed)."""

from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.assets import paging, statements
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from tests.searches import OLDBURY, TIPTON
from tests.statements import sent_statements

POINTS = [OLDBURY, TIPTON, "52.5200,-2.0400", "52.4900,-2.0200", "52.5100,-2.0600",
          "52.5000,-1.9900", "52.5300,-2.0100", "52.4800,-2.0500"]  # fmt: skip


def _found(session: Session, **given: Any) -> list[tuple[Any, ...]]:
    result = search_assets(session, params=SearchParams.model_validate(given))
    return [(h.asset.id, h.distance_miles) for h in result.hits]


def _walks(sent: list[str]) -> list[str]:
    return [s for s in sent if "<->" in s and not s.startswith("EXPLAIN")]


def _plans(session: Session) -> tuple[int, int]:
    """Generic and custom plans of the connection's prepared walks with the origin once."""
    generic, custom = session.execute(
        text("SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)"
             " FROM pg_prepared_statements WHERE statement LIKE '%(SELECT ST_Transform(%'")
    ).one()  # fmt: skip
    return int(generic), int(custom)


@pytest.mark.parametrize("many", [False, True], ids=["counted", "estimated"])
def test_a_plain_near_search_walks_on_one_plan_and_finds_the_same(
    session: Session, monkeypatch: pytest.MonkeyPatch, many: bool
) -> None:
    if many:  # the page walked alone, or with the estimate (paging.page_counted)
        monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", -1)
    given = {"radius": 3, "kind": ["meeting"], "per_page": 5}
    with sent_statements(session) as sent:
        once = [_found(session, near=point, **given) for point in POINTS]
    walks = _walks(sent)
    if many:
        assert walks and all("(SELECT ST_Transform(" in w for w in walks)
        assert all("LIMIT 15" in w and "'meeting'" in w for w in walks), "its own values in it"
        assert all(w.count("%(origin_longitude)s") == 4 for w in walks), "the point: a parameter"
        generic, custom = _plans(session)
        assert generic >= len(POINTS) - 1 and custom == 0
    monkeypatch.setattr(statements, "PLAIN", set())  # every search planned for its point
    monkeypatch.setattr(statements, "_SHAPES", statements._Kept())
    assert [_found(session, near=point, **given) for point in POINTS] == once
    assert any(once), "the demo data has meetings near these points"


def test_a_search_with_more_than_kinds_is_planned_for_its_point(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", -1)
    with sent_statements(session) as sent:
        search_assets(session, params=SearchParams.model_validate({"near": OLDBURY, "q": "group"}))
    walks = _walks(sent)
    assert walks and not any("(SELECT ST_Transform(" in w for w in walks)
