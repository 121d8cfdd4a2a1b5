"""The foundation's "must show" searches, checked against independent SQL and the schedule
computation, not against hard-coded results."""

import threading
from datetime import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.assets import search
from app.assets.api import SEARCHES
from app.assets.models import Asset
from app.assets.schemas import AssetPage
from app.core.time import BAND_BOUNDS, TimeBand, occurrences, zone
from app.core.time import local_now as now_in_london
from tests.searches import MIDWEEK_NOON
from tests.statements import sending_threads

B69 = "B69 3DE"


def _all(client: TestClient, **params: object) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    page = 1
    while True:
        body = client.get("/api/v1/assets", params={**params, "page": page, "per_page": 100}).json()
        items += body["items"]
        if not body["links"]["next"]:
            return items
        page += 1


def test_near_postcode_finds_meetings_inside_and_outside_sandwell_by_distance(
    client: TestClient, session: Session
) -> None:
    response = client.get(
        "/api/v1/assets",
        params={"near": B69, "radius": 5, "kind": "meeting", "sort": "distance", "per_page": 100},
    )
    assert response.status_code == 200
    items = response.json()["items"]
    distances = [i["distance_miles"] for i in items]
    assert distances == sorted(distances)
    assert all(d <= 5 for d in distances)
    assert {i["kind"] for i in items} == {"meeting"}
    towns = {i["venue"]["town"] for i in items}
    assert None in towns, "meetings outside every town (Dudley, Birmingham) are found"
    assert towns - {None}, "and meetings inside Sandwell"
    # Independent check: every published in-person meeting within 5 miles of the B69 centroid.
    expected = session.execute(
        text(
            "SELECT count(*) FROM asset a JOIN venue v ON v.id = a.venue_id, postcode p "
            "WHERE p.code = 'B69' AND a.kind = 'meeting' AND a.status = 'published' "
            "AND ST_DWithin(v.location, p.location, 5 * 1609.344)"
        )
    ).scalar_one()
    assert len(items) == expected


def test_town_filter_returns_only_entries_whose_venue_lies_in_the_town(
    client: TestClient, session: Session
) -> None:
    items = _all(client, town="oldbury")
    assert items
    ids = [i["id"] for i in items]
    outside = session.execute(
        text(
            "SELECT a.id FROM asset a JOIN venue v ON v.id = a.venue_id "
            "JOIN place p ON p.slug = 'oldbury' "
            "WHERE a.id = ANY(:ids) AND NOT ST_Covers(p.boundary, v.location::geometry)"
        ),
        {"ids": ids},
    ).all()
    assert outside == []
    in_town = session.execute(
        text(
            "SELECT count(*) FROM asset a JOIN venue v ON v.id = a.venue_id "
            "JOIN place p ON p.slug = 'oldbury' WHERE a.status = 'published' "
            "AND ST_Covers(p.boundary, v.location::geometry)"
        )
    ).scalar_one()
    assert len(ids) == in_town


def test_friday_evening_returns_only_entries_with_a_friday_evening_occurrence(
    client: TestClient, session: Session
) -> None:
    items = _all(client, day="fri", time="evening")
    assert items
    lo, hi = BAND_BOUNDS[TimeBand.evening]
    start = now_in_london()
    for item in items:
        asset = session.get(Asset, item["id"])
        assert asset is not None
        year = occurrences(asset.schedules, start, start.replace(year=start.year + 1))
        fri_evening = [
            o
            for o in year
            if o.start.weekday() == 4 and lo <= o.start.astimezone(zone()).time() < hi
        ]
        assert fri_evening, f"{asset.name} has no Friday evening occurrence"
    # And nothing with a Friday evening session is missed.
    every = _all(client)
    expected = set()
    for item in every:
        for s in item["schedules"]:
            starts = time.fromisoformat(s["start_time"])  # "HH:MM"
            weekly_friday = s["frequency"] in ("weekly", "monthly_nth") and "fri" in s["weekdays"]
            if weekly_friday and lo <= starts < hi:
                expected.add(item["id"])
    assert expected <= {i["id"] for i in items}


def test_unknown_postcode_and_bad_radius_are_422_naming_the_parameter(client: TestClient) -> None:
    unknown = client.get("/api/v1/assets", params={"near": "ZZ99 9ZZ"})
    assert unknown.status_code == 422
    detail = unknown.json()["detail"][0]
    assert detail["loc"] == ["query", "near"]
    assert "ZZ99 9ZZ is not known" in detail["msg"]
    negative = client.get("/api/v1/assets", params={"radius": -3})
    assert negative.status_code == 422
    assert negative.json()["detail"][0]["loc"] == ["query", "radius"]
    for params in ({"kind": "pub"}, {"day": "someday"}, {"per_page": 1000}, {"town": "atlantis"}):
        bad = client.get("/api/v1/assets", params=params)
        assert bad.status_code == 422, params
        assert bad.json()["detail"][0]["loc"][1] == next(iter(params))


def test_geojson_is_an_rfc7946_feature_collection(client: TestClient) -> None:
    response = client.get("/api/v1/assets", params={"town": "tipton", "format": "geojson"})
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["features"]
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -3 < lon < -1
        assert 52 < lat < 53
    same = client.get(
        "/api/v1/assets", params={"town": "tipton"}, headers={"Accept": "application/geo+json"}
    )
    assert same.json()["numberMatched"] == body["numberMatched"]


def test_a_search_page_is_written_as_its_response_model_writes_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API writes plain data (app.assets.present.asset_data) without making its models:
    the bytes are those AssetPage itself writes of them, field for field and in order, and a
    GeoJSON feature's properties are the same entry's."""
    monkeypatch.setattr(search, "local_now", lambda: MIDWEEK_NOON)  # things on today
    searches = [
        {"near": B69, "radius": 5, "kind": "meeting"},
        {"when": "today", "per_page": 50},
        {"q": "recovery"},
        {"town": "tipton", "page": 2, "per_page": 5},
    ]
    shown = {"venue": 0, "online": 0, "schedules": 0, "organisation": 0, "interests": 0}
    for params in searches:
        response = client.get("/api/v1/assets", params=params)
        assert response.status_code == 200
        again = AssetPage.model_validate_json(response.content).model_dump_json()
        assert response.content == again.encode(), params
        items = response.json()["items"]
        assert items, params
        for item in items:
            shown["venue" if item["venue"] else "online"] += 1
            for part in ("schedules", "organisation", "interests"):
                shown[part] += bool(item[part])
        features = client.get("/api/v1/assets", params={**params, "format": "geojson"}).json()
        assert [f["properties"] for f in features["features"]] == items
    assert all(shown.values()), f"every part of an entry is written somewhere: {shown}"


def test_full_text_kind_interest_access_audience_and_mode(client: TestClient) -> None:
    walks = _all(client, q="walk")
    assert walks
    assert all("walk" in (i["name"] + i["description"]).lower() for i in walks)
    active = _all(client, interest="walking", kind="club")
    assert active
    assert all(
        i["kind"] == "club" and "walking" in [x["slug"] for x in i["interests"]] for i in active
    )
    step_free = _all(client, access=["step_free", "hearing_loop"])
    assert step_free
    assert all({"step_free", "hearing_loop"} <= set(i["venue"]["accessibility"]) for i in step_free)
    women = _all(client, audience="women")
    assert women
    assert all(i["audience"] == "women" for i in women)
    online = _all(client, mode="online")
    assert online
    assert all(i["attendance"] in ("online", "hybrid") for i in online)
    open_meetings = _all(client, type="O")
    assert open_meetings
    assert all("O" in i["types"] for i in open_meetings)


def test_when_today_and_sort_next(client: TestClient) -> None:
    today = _all(client, when="today", sort="next")
    now = now_in_london()
    starts = [i["next_occurrence"]["start"] for i in today]
    assert starts == sorted(starts)
    for item in today:
        assert item["next_occurrence"]["start"][:10] == now.date().isoformat()
    week = _all(client, when="week")
    assert len(week) >= len(today)


def test_pagination_links_and_totals(client: TestClient) -> None:
    first = client.get("/api/v1/assets", params={"per_page": 10}).json()
    assert first["total"] >= 80
    assert len(first["items"]) == 10
    assert first["links"]["prev"] is None
    assert "page=2" in first["links"]["next"]
    second = client.get(first["links"]["next"]).json()
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert second["links"]["prev"] == "/api/v1/assets?per_page=10&page=1"
    # The request's own query kept as it came (repeated names in order, text encoded), its
    # page replaced.
    url = "/api/v1/assets?kind=meeting&page=2&kind=club&q=caf%C3%A9+club&per_page=5"
    links = client.get(url).json()["links"]
    kept = "/api/v1/assets?kind=meeting&kind=club&q=caf%C3%A9+club&per_page=5&page="
    assert links["self"] == kept + "2" and links["prev"] == kept + "1"
    assert links["next"] in (kept + "3", None)


def test_one_asset_and_unknown_asset(client: TestClient) -> None:
    first = client.get("/api/v1/assets", params={"per_page": 1}).json()["items"][0]
    one = client.get(f"/api/v1/assets/{first['id']}")
    assert one.status_code == 200
    assert one.json()["name"] == first["name"]
    assert "private_contact" not in one.json()
    assert client.get("/api/v1/assets/99999999").status_code == 404


def test_interests_list_the_taxonomy_with_domains_and_five_ways(client: TestClient) -> None:
    interests = client.get("/api/v1/interests").json()
    assert len(interests) >= 15
    assert {i["five_ways"] for i in interests} == {
        "connect", "be_active", "take_notice", "keep_learning", "give",
    }  # fmt: skip
    assert {i["domain"] for i in interests} == {"social", "physical", "human", "cultural"}


def test_repeated_searches_are_answered_from_memory_until_the_data_changes(
    client: TestClient, session: Session
) -> None:
    SEARCHES.clear()
    url = "/api/v1/assets?town=oldbury&per_page=50"
    first = client.get(url).json()
    assert client.get(url).json() == first
    assert len(SEARCHES._entries) == 1, "the second answer came from memory"
    renamed = first["items"][0]["id"]
    session.execute(text("UPDATE asset SET name = 'Renamed for the cache test' WHERE id = :i"),
                    {"i": renamed})  # fmt: skip
    names = [i["name"] for i in client.get(url).json()["items"]]
    assert "Renamed for the cache test" in names, "a change is seen at once"


def test_an_api_search_runs_on_the_event_loop_not_in_a_thread(
    client: TestClient, session: Session
) -> None:
    """A thread hop and the GIL passed between thread and loop cost a fifth of an uncached
    search's Python (docs/performance.md): its statements are sent from the loop's thread."""
    loop_thread = client.portal.call(threading.get_ident)  # type: ignore[union-attr]
    with sending_threads(session) as threads:
        response = client.get("/api/v1/assets", params={"near": B69, "radius": 3})
    assert response.status_code == 200 and response.json()["total"] > 0
    assert threads and set(threads) == {loop_thread}
