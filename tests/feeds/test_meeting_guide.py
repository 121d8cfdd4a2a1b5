"""The Meeting Guide feed against the spec's rules and TSML UI's known behaviour."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.core.config import get_settings

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SLUG = re.compile(r"^[a-z0-9-]{1,64}$")


def spec_types() -> set[str]:
    path = get_settings().standards_path / "meeting-guide" / "types.json"
    return set(json.loads(path.read_text()))


def test_every_row_follows_the_spec(client: TestClient) -> None:
    rows = client.get("/feeds/meeting-guide.json").json()
    assert isinstance(rows, list) and rows
    known = spec_types()
    slugs = [r["slug"] for r in rows]
    assert len(slugs) == len(set(slugs)), "slugs are unique"
    for row in rows:
        assert row["name"] and len(row["name"]) <= 255
        assert SLUG.match(row["slug"]), row["slug"]
        assert isinstance(row["day"], int) and 0 <= row["day"] <= 6, "one integer day per row"
        assert HHMM.match(row["time"]) and HHMM.match(row.get("end_time", "00:00"))
        ZoneInfo(row["timezone"])
        assert set(row["types"]) <= known
        datetime.strptime(row["updated"], "%Y-%m-%d %H:%M:%S")
        if row["approximate"] == "no":
            assert len(row["formatted_address"].split(",")) >= 4
            assert -90 <= row["latitude"] <= 90 and -180 <= row["longitude"] <= 180
        else:
            assert row.get("conference_url") or row.get("conference_phone"), (
                "online rows are active"
            )


def test_every_published_meeting_is_in_the_feed(client: TestClient, session: Session) -> None:
    rows = client.get("/feeds/meeting-guide.json").json()
    meetings = (
        session.execute(
            text("SELECT id FROM asset WHERE kind = 'meeting' AND status = 'published'")
        )
        .scalars()
        .all()
    )
    in_feed = {int(r["url"].rsplit("/", 1)[1]) for r in rows}
    assert in_feed == set(meetings)


def test_sunday_is_zero_and_non_weekly_patterns_are_kept_in_notes(
    client: TestClient, session: Session
) -> None:
    rows = {r["slug"]: r for r in client.get("/feeds/meeting-guide.json").json()}
    sunday = rows["netherton-sunday-speaker-na"]
    assert (sunday["day"], sunday["time"], sunday["end_time"]) == (0, "18:00", "19:30")
    fortnightly = rows["families-anonymous-rowley-regis"]
    assert fortnightly["day"] == 1 and "Every 2 weeks on Monday" in fortnightly["notes"]


def test_filters_by_town_and_fellowship(client: TestClient) -> None:
    tipton = client.get("/feeds/meeting-guide.json", params={"town": "tipton"}).json()
    assert tipton and {r["region"] for r in tipton} == {"Tipton"}
    na = client.get("/feeds/meeting-guide.json", params={"fellowship": "NA"}).json()
    assert na and all(r["name"].endswith("NA") for r in na)


def test_no_private_contact_in_the_feed(client: TestClient, session: Session) -> None:
    session.execute(
        text(
            "UPDATE asset SET private_contact = 'Secretary: Jo Bloggs 07700 900123' "
            "WHERE kind = 'meeting'"
        )
    )
    session.flush()
    body = client.get("/feeds/meeting-guide.json").text
    # The number as written: "07700" alone could be in a timestamp's microseconds.
    assert "Bloggs" not in body and "07700 900123" not in body


def test_conditional_get_cors_and_cache_headers(client: TestClient) -> None:
    first = client.get("/feeds/meeting-guide.json", headers={"Origin": "https://partner.example"})
    assert first.headers["access-control-allow-origin"] == "*"
    assert "max-age" in first.headers["cache-control"]
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get(
        "/feeds/meeting-guide.json", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    since = client.get(
        "/feeds/meeting-guide.json", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert since.status_code == 304
