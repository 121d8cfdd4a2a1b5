"""The ceiling benchmark's least statement (bench.nearest_ids, bench.bare_statement): it finds
a near search's page, nearest first, and the two apps that send it answer with its ids."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

import app.assets.api as api_module
from app.main import app as main_app
from bench import bare_statement, nearest_ids
from tests.conftest import TEST_DATABASE_URL
from tests.searches import OLDBURY, TIPTON, found

POINTS = [OLDBURY, TIPTON, "52.4900,-2.0200"]


def _driver(session: Session) -> Any:
    return session.connection().connection.driver_connection


def _least(session: Session, point: str, kinds: list[str], limit: int) -> list[int]:
    latitude, longitude = map(float, point.split(","))
    return nearest_ids.nearest_ids(_driver(session), kinds, latitude, longitude, limit)


def _miles(session: Session, point: str, kinds: list[str], ids: list[int]) -> list[float | None]:
    """How far each of `ids` is from `point`, as the search says (entries at one venue are
    equally far, and two statements may give them in either order)."""
    everywhere, distances, _, _ = found(session, near=point, radius=50, kind=kinds, per_page=100)
    miles = dict(zip(everywhere, distances, strict=True))
    return [miles[i] for i in ids]


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("kinds", [["meeting"], ["club", "course"]], ids=["one", "two"])
def test_the_least_statement_finds_a_near_searchs_page(
    session: Session, point: str, kinds: list[str]
) -> None:
    page, page_miles, _, _ = found(session, near=point, radius=50, kind=kinds, per_page=5)
    assert len(page) == 5, "the demo data has five such entries within 50 miles"
    assert _miles(session, point, kinds, _least(session, point, kinds, 5)) == page_miles


def test_the_app_serving_it_answers_a_search_with_the_pages_ids(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_module, "_search_answer", nearest_ids.ids_answer)
    answer = client.get("/api/v1/assets", params={"near": OLDBURY, "kind": "club", "per_page": 7})
    assert answer.status_code == 200
    assert answer.json() == {"items": _least(session, OLDBURY, ["club"], 7)}
    by_postcode = client.get("/api/v1/assets", params={"near": "B69 3DE"})
    assert by_postcode.status_code == 422 and "lat,lon" in by_postcode.json()["detail"]


def test_serving_it_swaps_the_api_searchs_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_module, "_search_answer", api_module._search_answer)  # put back
    assert nearest_ids.served() is main_app
    assert api_module._search_answer is nearest_ids.ids_answer


def test_the_plain_app_answers_healthz_and_a_search_on_a_connection_of_its_own(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", TEST_DATABASE_URL)
    monkeypatch.setattr(bare_statement, "_connection", [])
    with TestClient(bare_statement.app) as plain:
        assert plain.get("/healthz").json() == {"status": "ok"}
        answer = plain.get("/api/v1/assets", params={"near": TIPTON, "kind": "meeting"})
        own = bare_statement._connection[0]
    try:
        assert own is not _driver(session)
        ids = answer.json()["items"]
        least = _least(session, TIPTON, ["meeting"], 20)
        assert _miles(session, TIPTON, ["meeting"], ids) == _miles(
            session, TIPTON, ["meeting"], least
        )
    finally:
        own.close()
