"""The venue register: filters, privacy of booking contacts, "where it could go"."""

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlmodel import Session

from app.accounts.models import Role
from app.mapping.placement import where_it_could_go
from app.venues.models import WEEKDAY_EVENINGS, CostBand, Venue
from tests.pages import text_of


def listed(html: str) -> list[str]:
    return re.findall(r'<a href="/mapper/venues/\d+/hosting">([^<]+)</a>', html)


def test_hosting_filters(
    client: TestClient, session: Session, signed_in: Callable[[Role], str]
) -> None:
    signed_in(Role.mapper)
    html = client.get(
        "/mapper/venues",
        params={
            "town": "west-bromwich",
            "cost": "low",
            "access": "step_free",
            "capacity": 40,
            "slot": ["mon_evening", "tue_evening"],
        },  # fmt: skip
    ).text
    names = [n.replace("&#39;", "'") for n in listed(html)]
    assert names
    for name in names:
        venue = session.execute(select(Venue).where(Venue.name == name)).scalar_one()
        assert venue.hosts_groups and venue.cost_band in (CostBand.free, CostBand.low)
        assert "step_free" in venue.accessibility and (venue.room_capacity or 0) >= 40
        assert {"mon_evening", "tue_evening"} & set(venue.free_slots)
    everything = listed(client.get("/mapper/venues").text)
    assert len(everything) > len(names)


def test_booking_contacts_never_reach_public_pages_or_feeds(
    client: TestClient, session: Session
) -> None:
    contacts = (
        session.execute(text("SELECT hosting_contact FROM venue WHERE hosting_contact IS NOT NULL"))
        .scalars()
        .all()
    )
    assert contacts
    freeth = session.execute(
        text(
            "SELECT a.id FROM asset a JOIN venue v ON v.id = a.venue_id "
            "WHERE v.name = 'Freeth Lane Community Hub' AND a.status = 'published' LIMIT 1"
        )  # fmt: skip
    ).scalar_one()
    public = [
        "/",
        "/towns/oldbury",
        f"/assets/{freeth}",
        "/api/v1/assets?per_page=100",
        "/feeds/meeting-guide.json",
        "/feeds/all.ics",
        "/feeds/changes?limit=500",
        "/hsds/services?per_page=100",
        "/hsds/service_at_locations?per_page=100",
        "/api/v1/assets?format=geojson&per_page=100",
        "/embed?town=oldbury",
        "/whats-on",
    ]
    hsds_id = client.get("/hsds/services", params={"search": "Freeth"}).json()
    public += [f"/hsds/services/{s['id']}" for s in hsds_id["contents"]]
    for path in public:
        body = client.get(path).text
        for contact in contacts:
            assert contact not in body, (path, contact)
        assert "0121 496" not in body, path


def test_oldbury_ranking_has_only_fitting_venues_in_documented_order(session: Session) -> None:
    placements = {p.fellowship: p for p in where_it_could_go(session, town_slug="oldbury")}
    assert "NA" in placements and "AA" not in placements
    candidates = placements["NA"].candidates
    assert candidates
    for c in candidates:
        v = c.venue
        assert v.hosts_groups and v.cost_band in (CostBand.free, CostBand.low)
        assert "step_free" in v.accessibility
        assert set(v.free_slots) & set(WEEKDAY_EVENINGS)
    keys = [c.rank_key() for c in candidates]
    assert keys == sorted(keys)
    assert candidates[0].venue.cost_band == CostBand.free
    names = {c.venue.name for c in candidates}
    assert "The Kettle Recovery Café" not in names, "no weekday evening free"
    assert all(c.nearest_name and c.nearest_miles for c in candidates)


def test_csv_and_brief_have_the_same_rows(
    client: TestClient, signed_in: Callable[[Role], str]
) -> None:
    signed_in(Role.coordinator)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/mapper/gaps/venues.csv", params={"town": "oldbury"}).text)
        )
    )
    header, body = rows[0], rows[1:]
    assert header[:4] == ["town", "fellowship", "rank", "venue"] and body
    brief = text_of(client.get("/mapper/gaps/oldbury/brief").text)
    for row in body:
        assert row[3] in brief and f"{row[10]} ({row[11]} mi)" in brief
    table_rows = client.get("/mapper/gaps/oldbury/brief").text.count("<tr><td>")
    assert table_rows == len(body)
    assert client.get("/mapper/gaps/oldbury/brief.pdf").content.startswith(b"%PDF")


def test_mapper_records_hosting_details(client: TestClient, session: Session,
                                        signed_in: Callable[[Role], str]) -> None:  # fmt: skip
    csrf = signed_in(Role.mapper)
    venue = session.execute(
        select(Venue).where(Venue.name == "Uplands Missing Venue")
    ).scalar_one_or_none()
    venue = (
        venue
        or session.execute(
            select(Venue).where(Venue.name == "Langley Green Allotments")
        ).scalar_one()
    )
    response = client.post(
        f"/mapper/venues/{venue.id}/hosting",
        data={
            "csrf": csrf,
            "hosts_groups": "yes",
            "room_capacity": "12",
            "cost_band": "free",
            "free_slots": ["wed_evening"],
            "hosting_contact": "Plot secretary 07700 900555",
        },  # fmt: skip
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.refresh(venue)
    assert venue.hosts_groups and venue.free_slots == ["wed_evening"] and venue.hosting_checked_at
    wrong = {"csrf": csrf, "free_slots": ["someday"], "room_capacity": "12"}
    bad = client.post(f"/mapper/venues/{venue.id}/hosting", data=wrong)
    assert bad.status_code == 422 and "unknown times: someday" in bad.text


def test_public_pages_show_hosting_only_when_the_venue_agreed(
    client: TestClient, session: Session
) -> None:
    def first_asset_at(venue: str) -> int:
        return int(session.execute(
            text("SELECT a.id FROM asset a JOIN venue v ON v.id = a.venue_id "
                 "WHERE v.name = :n AND a.status = 'published' LIMIT 1"), {"n": venue},
        ).scalar_one())  # fmt: skip

    agreed = client.get(f"/api/v1/assets/{first_asset_at('Freeth Lane Community Hub')}").json()
    assert agreed["venue"]["rooms_for_groups"] is True and agreed["venue"]["room_capacity"] == 30
    private = client.get(
        f"/api/v1/assets/{first_asset_at('Cradley Heath Wellbeing Centre')}"
    ).json()
    assert (
        private["venue"]["rooms_for_groups"] is None and private["venue"]["room_capacity"] is None
    )


def test_csv_exports_neutralise_formulas(
    client: TestClient, session: Session, signed_in: Callable[[Role], str]
) -> None:
    session.execute(text("UPDATE venue SET name = '=HYPERLINK(\"http://evil\",\"x\")' "
                         "WHERE name = 'Freeth Lane Community Hub'"))  # fmt: skip
    session.flush()
    signed_in(Role.coordinator)
    rows = list(csv.reader(io.StringIO(client.get("/mapper/gaps/venues.csv?town=oldbury").text)))
    names = [r[3] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil","x")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
