"""The public pages through HTTP: every filter honoured, one search path shared with the API."""

import re
import threading
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from app.mapping.models import EmptySearch
from tests.pages import card_ids, distances, text_of
from tests.statements import sending_threads


def api_ids(client: TestClient, params: dict[str, object]) -> list[int]:
    body = client.get("/api/v1/assets", params={**params, "per_page": 100}).json()
    return [i["id"] for i in body["items"]]


@pytest.mark.parametrize(
    "params",
    [
        {"town": "tipton"},
        {"near": "B69 3DE", "radius": 5, "kind": "meeting"},
        {"kind": ["club", "course"]},
        {"interest": ["walking", "gardening"]},
        {"day": "sun"},
        {"time": "morning"},
        {"when": "week", "sort": "next"},
        {"mode": "online"},
        {"access": ["step_free", "hearing_loop"]},
        {"audience": "women"},
        {"type": "O"},
        {"fellowship": "NA"},
        {"q": "café"},
        {"town": "smethwick", "kind": "meeting", "day": "thu", "time": "evening"},
    ],
)
def test_search_page_lists_what_the_api_returns_for_every_filter(
    client: TestClient, params: dict[str, object]
) -> None:
    page = client.get("/search", params={**params, "per_page": 100})
    assert page.status_code == 200
    expected = api_ids(client, params)
    assert expected, f"demo data should match {params}"
    assert card_ids(page.text) == expected


def test_combined_filters_are_anded(client: TestClient) -> None:
    params = {"town": "west-bromwich", "access": "step_free", "day": "tue", "per_page": 100}
    items = client.get("/api/v1/assets", params=params).json()["items"]
    assert items
    for item in items:
        assert item["venue"]["town"] == "west-bromwich"
        assert "step_free" in item["venue"]["accessibility"]
        assert any(
            "tue" in s["weekdays"] or any(date.fromisoformat(d).weekday() == 1 for d in s["dates"])
            for s in item["schedules"]
        )
    alone = {k: len(api_ids(client, {k: v})) for k, v in params.items() if k != "per_page"}
    assert len(items) <= min(alone.values())
    assert card_ids(client.get("/search", params=params).text) == [i["id"] for i in items]


def test_near_search_orders_by_distance_and_finds_meetings_over_the_border(
    client: TestClient,
) -> None:
    html = client.get(
        "/search", params={"near": "B69 3DE", "radius": 5, "kind": "meeting", "per_page": 100}
    ).text
    shown = distances(html)
    assert shown and shown == sorted(shown)
    text = text_of(html)
    assert "Castle Hill NA" in text and "Quinton Hope NA" in text  # Dudley and Birmingham
    assert "within 5 miles of B69 3DE" in text
    assert re.search(r"Mutual-aid meetings \(\d+\)", text), "facet counts"


def test_script_in_q_is_shown_escaped(client: TestClient) -> None:
    html = client.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_bad_radius_and_unknown_postcode_reshow_the_form_with_a_message(
    client: TestClient,
) -> None:
    bad_radius = client.get("/search", params={"near": "DY4", "radius": "-3"})
    assert bad_radius.status_code == 200
    assert "Choose a distance between 1 and 50 miles." in bad_radius.text
    assert 'value="DY4"' in bad_radius.text, "what was typed is kept"
    unknown = client.get("/search", params={"near": "ZZ99 9ZZ"})
    assert unknown.status_code == 200
    assert "Postcode ZZ99 9ZZ is not known." in text_of(unknown.text)
    assert 'aria-invalid="true"' in unknown.text and 'value="ZZ99 9ZZ"' in unknown.text


def test_nothing_found_suggests_ways_out_and_records_demand(
    client: TestClient, session: Session
) -> None:
    before = session.scalar(select(func.count()).select_from(EmptySearch))
    html = client.get(
        "/search", params={"near": "DY4 7ZU", "radius": 1, "fellowship": "NA", "kind": "meeting"}
    ).text
    text = text_of(html)
    assert "Nothing found" in text
    assert "Search within 5 miles" in text
    assert "Remove the filter: fellowship" in text
    assert "Look in Tipton" in text
    logged = session.execute(select(EmptySearch).order_by(EmptySearch.id.desc())).scalars().first()  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(EmptySearch)) == (before or 0) + 1
    assert logged is not None and logged.area == "DY4", "only the outcode is kept"
    assert logged.filters["fellowship"] == "NA"


def test_home_page_has_search_towns_and_today(client: TestClient) -> None:
    html = client.get("/").text
    assert 'name="near"' in html
    for slug in ("oldbury", "rowley-regis", "smethwick", "tipton", "wednesbury", "west-bromwich"):
        assert f'href="/towns/{slug}"' in html
    text = text_of(html)
    assert "What’s on today" in text and "Mutual-aid meetings" in text and "Bumping spaces" in text


def test_pagination(client: TestClient) -> None:
    first = client.get("/search", params={"per_page": 10}).text
    assert len(card_ids(first)) == 10
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert next_link is not None
    second = client.get(next_link.group(1).replace("&amp;", "&")).text
    assert not set(card_ids(first)) & set(card_ids(second))


def test_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/assets/999999")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "search the directory" in response.text


def test_the_search_page_runs_on_the_event_loop(client: TestClient, session: Session) -> None:
    """As the API search: a thread of its own cost the page a fifth of its Python and half
    its throughput on two workers (docs/performance.md); its statements, the empty search's
    record among them, are sent from the loop's thread and kept."""
    loop_thread = client.portal.call(threading.get_ident)  # type: ignore[union-attr]
    with sending_threads(session) as threads:
        page = client.get("/search", params={"near": "B69 3DE", "radius": 3, "q": "zzzqx"})
    assert page.status_code == 200 and "Nothing found" in page.text
    assert threads and set(threads) == {loop_thread}
    assert session.execute(select(func.count()).select_from(EmptySearch)).scalar_one() > 0
