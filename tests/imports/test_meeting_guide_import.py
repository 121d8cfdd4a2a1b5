"""Importing Meeting Guide feeds through the service: round trip, idempotency, vanished
records, and sources that time out or send garbage (nothing changes)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.core.time import DAY_CODES
from app.imports.service import run_import
from scrapers.base import SourceError, SourceOptions, fetch
from scrapers.meeting_guide import MeetingGuideSource

SOURCE = "roundtrip-intergroup"


def counts(session: Session) -> tuple[int, int, int]:
    return tuple(session.execute(text(  # type: ignore[return-value]
        "SELECT (SELECT count(*) FROM asset), (SELECT count(*) FROM revision), "
        "(SELECT count(*) FROM suggestion)")).one())  # fmt: skip


def import_payload(session: Session, payload: bytes, trusted: bool = True) -> object:
    records = list(MeetingGuideSource().records(payload, SourceOptions(name=SOURCE)))
    return run_import(session, source=SOURCE, records=records, trusted=trusted)


def our_feed(client: TestClient, session: Session) -> bytes:
    """Our Meeting Guide feed, then no live entries (the demo ones archived inside the test's
    transaction), as in a new database: nothing for the records to be matched with."""
    feed = client.get("/feeds/meeting-guide.json").content
    assert len(json.loads(feed)) > 20
    session.execute(text("UPDATE asset SET status = 'archived'"))
    return feed


def test_our_own_feed_round_trips_into_an_empty_database(
    client: TestClient, session: Session
) -> None:
    feed = our_feed(client, session)
    rows = json.loads(feed)
    report = import_payload(session, feed)
    assert report.created == len(rows) and not report.failed  # type: ignore[attr-defined]
    imported = session.execute(
        text(
            "SELECT a.external_id, a.name, a.types, v.name AS venue, s.weekdays, s.start_time, "
            "ST_Y(v.location::geometry) AS lat, ST_X(v.location::geometry) AS lon "
            "FROM asset a LEFT JOIN venue v ON v.id = a.venue_id "
            "LEFT JOIN schedule s ON s.asset_id = a.id WHERE a.source = :s"
        ),
        {"s": SOURCE},
    ).all()
    by_slug = {r.external_id: r for r in imported}
    for row in rows:
        back = by_slug[row["slug"]]
        assert back.name == row["name"]
        assert sorted(back.types) == sorted(row["types"])
        assert back.venue == row.get("location")
        assert (
            DAY_CODES[back.weekdays[0]]
            == ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][row["day"]]
        )
        assert back.start_time.strftime("%H:%M") == row["time"]
        if row.get("attendance_option") != "online":  # the same place, to a few metres
            assert (
                abs(back.lat - row["latitude"]) < 1e-4 and abs(back.lon - row["longitude"]) < 1e-4
            )


def test_a_second_run_changes_nothing_and_vanished_meetings_are_flagged(
    client: TestClient, session: Session
) -> None:
    feed = json.loads(our_feed(client, session))
    import_payload(session, json.dumps(feed).encode())
    before = counts(session)
    again = import_payload(session, json.dumps(feed).encode())
    assert again.unchanged == len(feed) and again.created == again.updated == 0  # type: ignore[attr-defined]
    assert counts(session) == before
    changed = [dict(feed[0], name=feed[0]["name"] + " (new name)"), *feed[2:]]
    third = import_payload(session, json.dumps(changed).encode())
    assert third.updated == 1 and third.flagged == 1  # type: ignore[attr-defined]
    vanished = session.execute(
        text("SELECT a.status, s.kind FROM suggestion s JOIN asset a ON a.id = s.asset_id "
             "WHERE a.external_id = :e AND a.source = :s"), {"e": feed[1]["slug"], "s": SOURCE},
    ).one()  # fmt: skip
    assert vanished.status == "published" and vanished.kind == "closed", "flagged, not deleted"


@pytest.mark.parametrize("payload", [b"<html>", b'{"meetings": 5}', b'[{"name": "x"}]'])
def test_garbage_changes_nothing(session: Session, payload: bytes) -> None:
    before = counts(session)
    with pytest.raises(SourceError):
        import_payload(session, payload)
    assert counts(session) == before


def test_a_source_that_times_out_changes_nothing(session: Session, tmp_path: Path) -> None:
    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    before = counts(session)
    try:
        with pytest.raises(SourceError, match=r"did not answer within 0\.5 seconds"):
            fetch(f"http://127.0.0.1:{server.server_address[1]}/feed.json", timeout_s=0.5)
    finally:
        server.shutdown()
    assert counts(session) == before
    with pytest.raises(SourceError, match="no such file"):
        fetch(str(tmp_path / "missing.json"))
