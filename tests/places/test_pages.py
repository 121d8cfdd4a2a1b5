import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.places import pages as places_pages
from tests.pages import text_of


def test_oldbury_says_there_is_no_na_meeting_and_shows_the_nearest(client: TestClient) -> None:
    page = client.get("/towns/oldbury")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "There is no Narcotics Anonymous (NA) meeting in Oldbury." in text
    nearest = client.get(
        "/api/v1/assets",
        params={
            "near": "Oldbury",
            "fellowship": "NA",
            "kind": "meeting",
            "radius": 50,
            "per_page": 1,
        },
    ).json()["items"][0]
    assert f"The nearest is {nearest['name']}" in text


def test_town_page_lists_every_entry_in_the_town_by_kind_and_day(
    client: TestClient, session: Session
) -> None:
    html = client.get("/towns/tipton").text
    names = (
        session.execute(
            text(
                "SELECT a.name FROM asset a JOIN venue v ON v.id = a.venue_id JOIN place p "
                "ON p.id = v.town_id WHERE p.slug = 'tipton' AND a.status = 'published'"
            )
        )
        .scalars()
        .all()
    )
    assert names
    page_text = text_of(html)
    for name in names:
        assert name in page_text
    assert "Mutual-aid meetings" in page_text and "Monday" in page_text


def test_just_outside_lists_entries_within_two_miles_of_the_boundary(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(places_pages, "NEARBY_SHOWN", 100)  # all of the demo's 50
    html = client.get("/towns/oldbury").text
    section = text_of(html.split('id="outside-h"')[1])
    expected = (
        session.execute(
            text(
                "SELECT a.name FROM asset a JOIN venue v ON v.id = a.venue_id, place p "
                "WHERE p.slug = 'oldbury' AND a.status = 'published' "
                "AND v.town_id IS DISTINCT FROM p.id "
                "AND ST_DWithin(v.location, p.boundary::geography, 2 * 1609.344)"
            )
        )
        .scalars()
        .all()
    )
    assert expected
    for name in expected:
        assert name in section


def test_unknown_town_is_404(client: TestClient) -> None:
    assert client.get("/towns/atlantis").status_code == 404


def test_just_outside_shows_the_nearest_few_and_how_many_there_are(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(places_pages, "NEARBY_SHOWN", 2)
    nearest = (
        session.execute(
            text(
                "SELECT a.id FROM asset a JOIN venue v ON v.id = a.venue_id, place p "
                "WHERE p.slug = 'oldbury' AND a.status = 'published' "
                "AND v.town_id IS DISTINCT FROM p.id "
                "AND ST_DWithin(v.location, p.boundary::geography, 2 * 1609.344) "
                "ORDER BY ST_Distance(v.location, p.boundary::geography), a.id"
            )
        )
        .scalars()
        .all()
    )
    assert len(nearest) > 2
    section = client.get("/towns/oldbury").text.split('id="outside-h"')[1]
    shown = [int(i) for i in re.findall(r'href="/assets/(\d+)"', section)]
    assert list(dict.fromkeys(shown)) == list(nearest[:2])
    assert f"The nearest 2 of {len(nearest)}, nearest the town first" in text_of(section)
