"""Open Referral UK services → our fields, and paging through /services with details fetched
from /services/{id} — tried against our own HSDS API."""

import io
from datetime import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.imports.service import run_import
from scrapers.base import SourceOptions
from scrapers.hsds import HsdsSource

PAYLOAD = (Path(__file__).parent.parent / "fixtures" / "imports" / "hsds-v1.json").read_bytes()


def test_services_map_onto_our_fields() -> None:
    found = {
        r.external_id[-3:]: r.fields for r in HsdsSource().records(PAYLOAD, SourceOptions("x"))
    }
    assert "104" not in found, "inactive services are left out"
    allotment = found["101"]
    assert allotment is not None and allotment["kind"] == "volunteering"
    assert allotment["schedules"][0]["weekdays"] == [2, 5]
    assert allotment["description"] == "Grow food with people in recovery. Tools provided."
    family = found["102"]
    assert family is not None
    assert (family["schedules"][0]["frequency"], family["schedules"][0]["nth_week"]) == (
        "monthly_nth",
        2,
    )
    assert family["venue"]["postcode"] == "DY4 8QF" and "latitude" not in family["venue"]
    online = found["103"]
    assert online is not None and online["attendance"] == "online"
    assert online["online_url"] == "https://meet.jit.si/recovery-checkin"
    assert found["105"]["schedules"][0]["start_time"] == time(10)  # type: ignore[index]


def test_our_own_services_page_through_and_come_back(client: TestClient, session: Session) -> None:
    def fetch_more(url: str) -> io.BytesIO:
        response = client.get(url)
        assert response.status_code == 200, url
        return io.BytesIO(response.content)

    location = "http://testserver/hsds/services?per_page=10"
    options = SourceOptions("hsds-round-trip", location=location, fetch_more=fetch_more)
    first = fetch_more(location)
    total = client.get(location).json()["total_items"]
    assert total > 20, "several pages"
    report = run_import(
        session, source="hsds-round-trip", records=HsdsSource().records(first, options)
    )
    assert report.created == total and not report.failed, report.failed
    names = session.execute(
        text("SELECT count(DISTINCT name) FROM asset WHERE source = 'hsds-round-trip'")
    ).scalar_one()
    assert names > 20
