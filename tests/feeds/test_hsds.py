"""Open Referral UK: every object validated against the HSDS 3.0 UK-profile JSON schemas read
from the standards directory."""

import json
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import text
from sqlmodel import Session

from app.core.config import get_settings

ENVELOPE = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page",
            "empty", "contents"}  # fmt: skip


@cache
def validator(name: str) -> Draft202012Validator:
    path = get_settings().standards_path / "hsds" / "uk-3.0" / f"{name}.json"
    return Draft202012Validator(json.loads(path.read_text()), format_checker=FormatChecker())


def assert_valid(name: str, data: dict[str, Any]) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in validator(name).iter_errors(data)]
    assert errors == [], errors


def all_pages(client: TestClient, path: str, **params: object) -> list[dict[str, Any]]:
    contents: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get(path, params={**params, "page": page}).json()
        assert set(body) == ENVELOPE
        contents += body["contents"]
        if body["last_page"]:
            assert len(contents) == body["total_items"]
            return contents
        page += 1


def test_root_reports_the_uk_profile(client: TestClient) -> None:
    body = client.get("/hsds/").json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"].endswith("/openapi.json") and body["profile"]


def test_every_service_validates_listed_and_nested(client: TestClient, session: Session) -> None:
    services = all_pages(client, "/hsds/services", per_page=40)
    published = session.execute(text("SELECT count(*) FROM asset WHERE status = 'published'"))
    assert len(services) == published.scalar_one()
    for item in services:
        assert_valid("service_list", item)
        full = client.get(f"/hsds/services/{item['id']}").json()
        assert_valid("service", full)
        assert full["attributes"], "kind and interests as taxonomy terms"
        assert None not in full.values()


def test_service_at_locations_taxonomies_and_terms_validate(client: TestClient) -> None:
    for item in all_pages(client, "/hsds/service_at_locations", per_page=50):
        assert_valid("service_at_location", item)
    one = all_pages(client, "/hsds/service_at_locations", per_page=50)[0]
    assert client.get(f"/hsds/service_at_locations/{one['id']}").json() == one
    for item in all_pages(client, "/hsds/taxonomies"):
        assert_valid("taxonomy", item)
        assert client.get(f"/hsds/taxonomies/{item['id']}").json() == item
    terms = all_pages(client, "/hsds/taxonomy_terms")
    assert len(terms) > 20
    for item in terms:
        assert_valid("taxonomy_term", item)


def test_filters(client: TestClient) -> None:
    meeting_term = next(
        t for t in client.get("/hsds/taxonomy_terms").json()["contents"] if t["term"] == "meeting"
    )
    meetings = all_pages(client, "/hsds/services", taxonomy_term_id=meeting_term["id"])
    api = client.get("/api/v1/assets", params={"kind": "meeting", "per_page": 100}).json()
    assert len(meetings) == api["total"]
    near = client.get("/hsds/services", params={"postcode": "B69 3DE", "proximity": 3000}).json()
    api_near = client.get("/api/v1/assets", params={"near": "B69 3DE", "radius": 3000 / 1609.344})
    assert near["total_items"] == api_near.json()["total"] > 0
    monday = client.get("/hsds/services", params={"day": "MO"}).json()
    assert (
        monday["total_items"] == client.get("/api/v1/assets", params={"day": "mon"}).json()["total"]
    )
    future = client.get("/hsds/services", params={"modified_after": "2100-01-01T00:00:00Z"})
    assert future.json()["total_items"] == 0 and future.json()["empty"] is True


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/hsds/services/not-a-uuid", 404),
        ("/hsds/services/7761796d-6172-4b01-8000-0000ffffffff", 404),
        ("/hsds/services?day=someday", 422),
        ("/hsds/services?taxonomy_term_id=00000000-0000-4000-8000-000000000000", 422),
        ("/hsds/taxonomies/7761796d-6172-4b06-8000-000000000099", 404),
    ],
)
def test_bad_ids_and_parameters(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert "detail" in response.json()


def test_no_private_contact_in_open_referral(client: TestClient, session: Session) -> None:
    session.execute(text("UPDATE asset SET private_contact = 'Call Sam Private on 07700 900999'"))
    session.flush()
    body = client.get("/hsds/services", params={"per_page": 100}).text
    one = client.get("/hsds/services").json()["contents"][0]["id"]
    body += client.get(f"/hsds/services/{one}").text
    # The number as written: "07700" alone is in a timestamp whose microseconds read 077004.
    assert "07700 900999" not in body and "Sam Private" not in body


def test_time_and_age_filters(client: TestClient) -> None:
    evening = all_pages(client, "/hsds/services", start_time="18:00", end_time="21:00")
    assert evening
    for item in evening:
        full = client.get(f"/hsds/services/{item['id']}").json()
        assert any(
            s["opens_at"] >= "18:00" and s.get("closes_at", "99") <= "21:00"
            for s in full["schedules"]
        )
    young = [s for s in all_pages(client, "/hsds/services") if s.get("minimum_age") == 16]
    assert young and all(s["maximum_age"] == 25 for s in young)
    adults = {s["id"] for s in all_pages(client, "/hsds/services", minimum_age=40)}
    assert adults and not adults & {s["id"] for s in young}
    children = all_pages(client, "/hsds/services", maximum_age=12)
    assert {s["id"] for s in young}.isdisjoint(s["id"] for s in children)
