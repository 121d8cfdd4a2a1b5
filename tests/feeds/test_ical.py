"""iCalendar feeds parsed back with icalendar and expanded with dateutil's rrule."""

from datetime import datetime, time

from dateutil.rrule import rrulestr
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.parser import Contentline
from sqlalchemy import text
from sqlmodel import Session

from app.core.time import zone
from app.feeds.ical import _folded

TZ = zone()


def events(client: TestClient, url: str, **params: object) -> list[object]:
    response = client.get(url, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_all_ics_has_a_stable_event_per_schedule_with_the_required_properties(
    client: TestClient, session: Session
) -> None:
    found = events(client, "/feeds/all.ics")
    schedules = session.execute(
        text(
            "SELECT count(*) FROM schedule s JOIN asset a ON a.id = s.asset_id "
            "WHERE a.status = 'published' AND (s.frequency <> 'once' OR "
            "EXISTS (SELECT 1 FROM unnest(s.dates) d WHERE d >= current_date))"
        )
    ).scalar_one()
    assert len(found) == schedules
    uids = [str(e["UID"]) for e in found]  # type: ignore[index]
    assert len(set(uids)) == len(uids)
    again = [str(e["UID"]) for e in events(client, "/feeds/all.ics")]  # type: ignore[index]
    assert again == uids, "UIDs are stable"
    for event in found:
        for prop in ("DTSTAMP", "DTSTART", "SUMMARY", "URL", "DESCRIPTION", "LOCATION"):
            assert prop in event, prop  # type: ignore[operator]


def test_weekly_19_00_stays_19_00_across_the_clock_change_when_expanded(
    client: TestClient,
) -> None:
    found = events(client, "/feeds/tipton.ics", kind="meeting")
    thursday = next(e for e in found if "Tipton Canal Side AA" in str(e["SUMMARY"]))  # type: ignore[index]
    start = thursday.decoded("DTSTART")  # type: ignore[attr-defined]
    assert str(start.tzinfo) == "Europe/London"
    rule = rrulestr(thursday["RRULE"].to_ical().decode(), dtstart=start)  # type: ignore[index]
    spring = rule.between(datetime(2027, 3, 15, tzinfo=TZ), datetime(2027, 4, 10, tzinfo=TZ))
    autumn = rule.between(datetime(2027, 10, 20, tzinfo=TZ), datetime(2027, 11, 10, tzinfo=TZ))
    assert len(spring) == 4 and len(autumn) == 3
    for occurrence in spring + autumn:
        assert occurrence.astimezone(TZ).time() == time(19, 0)
    offsets = {o.utcoffset().total_seconds() for o in spring}  # type: ignore[union-attr]
    assert offsets == {0.0, 3600.0}, "both sides of the change"


def test_cancelled_dates_become_exdates(client: TestClient, session: Session) -> None:
    session.execute(
        text(
            "UPDATE schedule SET cancelled_dates = ARRAY[DATE '2027-01-07'] WHERE asset_id = "
            "(SELECT id FROM asset WHERE external_id = 'aa-tipton-thu')"
        )
    )
    session.flush()
    found = events(client, "/feeds/tipton.ics", kind="meeting")
    thursday = next(e for e in found if "Tipton Canal Side AA" in str(e["SUMMARY"]))  # type: ignore[index]
    exdates = [d.dt for d in thursday["EXDATE"].dts]  # type: ignore[index]
    assert [d.date().isoformat() for d in exdates] == ["2027-01-07"]


def test_town_calendar_only_has_the_town_and_filters_apply(client: TestClient) -> None:
    meetings = events(client, "/feeds/tipton.ics", kind="meeting")
    everything = events(client, "/feeds/tipton.ics")
    assert 0 < len(meetings) < len(everything)
    assert client.get("/feeds/atlantis.ics").status_code == 404


def test_a_rebuilt_calendar_shows_an_edit_and_stamps_events_when_they_changed(
    client: TestClient, session: Session
) -> None:
    before = {str(e["UID"]): e for e in events(client, "/feeds/all.ics")}  # type: ignore[index]
    asset_id = session.execute(
        text("SELECT id FROM asset WHERE status = 'published' AND kind = 'meeting' ORDER BY id")
    ).scalar()
    session.execute(
        text("UPDATE asset SET name = 'Renamed <Group>', updated_at = now() WHERE id = :id"),
        {"id": asset_id},
    )
    updated_at = session.execute(
        text("SELECT updated_at FROM asset WHERE id = :id"), {"id": asset_id}
    ).scalar_one()
    after = {str(e["UID"]): e for e in events(client, "/feeds/all.ics")}  # type: ignore[index]
    assert after.keys() == before.keys()
    mine = [uid for uid in after if uid.startswith(f"asset-{asset_id}-")]
    assert mine and all(str(after[uid]["SUMMARY"]) == "Renamed <Group>" for uid in mine)  # type: ignore[index]
    # With no METHOD, DTSTAMP says when the information last changed (RFC 5545 3.8.7.2).
    stamp = updated_at.replace(microsecond=0)
    assert all(after[uid]["DTSTAMP"].dt == stamp for uid in mine)  # type: ignore[index]
    others = [uid for uid in after if uid not in mine]
    assert all(after[u].to_ical() == before[u].to_ical() for u in others)  # type: ignore[attr-defined]


def test_text_with_separators_newlines_and_accents_survives_and_lines_are_folded(
    client: TestClient, session: Session
) -> None:
    name = "Café; Tea, and \\ Talk — a long name that needs folding at seventy-five octets ✓"
    description = "Line one, with a comma; and a semicolon.\nLine two: «ünïcode» " * 3
    asset_id = session.execute(
        text(
            "UPDATE asset SET name = :name, description = :description, updated_at = now() "
            "WHERE id = (SELECT id FROM asset WHERE external_id = 'aa-tipton-thu') RETURNING id"
        ),
        {"name": name, "description": description},
    ).scalar_one()
    response = client.get("/feeds/tipton.ics")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n")), "RFC 5545 3.1"
    mine = [
        e
        for e in Calendar.from_ical(response.content).walk("VEVENT")
        if str(e["UID"]).startswith(f"asset-{asset_id}-")
    ]
    assert mine
    for event in mine:
        assert str(event["SUMMARY"]) == name
        assert str(event["DESCRIPTION"]) == description.strip()
        assert event.decoded("DTSTART").tzinfo is not None
        latitude, longitude = event["GEO"].latitude, event["GEO"].longitude
        assert 52.4 < latitude < 52.6 and -2.1 < longitude < -1.9, "in Tipton"


# Long ASCII lines, with backslashes and carets where a cut could fall.
ASCII_LINES = st.text(alphabet=st.sampled_from("ab ,;:\\^n"), min_size=70, max_size=400)


@given(ASCII_LINES)
@example("DESCRIPTION:" + "x" * 61 + "\\;" + "y" * 100)  # a backslash as the 74th character
@example("X" * 74 + "\\" + "Y")
def test_long_ascii_lines_are_folded_exactly_where_the_library_folds_them(line: str) -> None:
    assert _folded(line) == Contentline(line).to_ical() + b"\r\n"  # type: ignore[no-untyped-call]
