from datetime import datetime

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlmodel import Session

from app.assets.models import Asset
from tests.pages import text_of


def _asset(session: Session, external_id: str) -> Asset:
    return session.execute(select(Asset).where(Asset.external_id == external_id)).scalar_one()


def test_meeting_page_explains_what_to_expect_when_and_where(
    client: TestClient, session: Session
) -> None:
    asset = _asset(session, "aa-oldbury-tue")
    html = client.get(f"/assets/{asset.id}").text
    text = text_of(html)
    assert asset.name in text
    assert "Open meeting: anyone is welcome" in text
    assert "You do not have to say anything" in text
    assert "Every Tuesday, 19:30–21:00" in text
    assert text.count("19:30") >= 5, "next five dates"
    assert f'href="/assets/{asset.id}.ics"' in html
    assert "St Alder" in text and "Step-free access" in text
    assert "Last checked" in text and "by a volunteer" in text
    assert f"/suggest?asset={asset.id}" in html
    assert "private_contact" not in html


def test_calendar_file_parses_and_recurs_in_london_time(
    client: TestClient, session: Session
) -> None:
    asset = _asset(session, "fa-row-mon")  # every two weeks on Monday
    response = client.get(f"/assets/{asset.id}.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start = event.decoded("dtstart")
    assert isinstance(start, datetime) and str(start.tzinfo) == "Europe/London"
    assert (start.hour, start.minute, start.weekday()) == (19, 0, 0)
    rule = event.get("rrule")
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2] and rule["BYDAY"] == ["MO"]
    assert calendar.walk("VTIMEZONE"), "the zone travels with the file"


def test_one_off_dates_become_rdates(client: TestClient, session: Session) -> None:
    asset = _asset(session, "emp-cscs")  # two one-off days
    event = Calendar.from_ical(client.get(f"/assets/{asset.id}.ics").content).walk("VEVENT")[0]
    assert "RRULE" not in event
    assert event.decoded("dtstart").date().isoformat() == "2026-12-14"
