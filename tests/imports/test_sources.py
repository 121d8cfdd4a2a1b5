"""Configured sources over real HTTP on loopback: admins add them (bad input re-shown), runs
are stored and shown, conditional GET skips an unchanged feed, 5xx answers are retried, a
failing source changes nothing and does not stop the others, and oversized feeds are refused."""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.models import Role
from app.core.timestamps import utcnow
from app.imports.commands import run_and_report
from app.imports.models import ImportRun, ImportSource, SourceSchedule
from app.imports.sources import due_sources, run_source
from scrapers import base

FEED = (
    Path(__file__).parent.parent / "fixtures" / "imports" / "meeting-guide-v1.json"
).read_bytes()


@dataclass
class Upstream:
    """A loopback feed server: answers in `script` are used first, then the feed."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    body: bytes = FEED
    seen: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    state = Upstream()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append(dict(self.headers))
            status = state.script.pop(0) if state.script else 200
            if status == 200 and self.headers.get("If-None-Match") == '"v1"':
                status = 304
            self.send_response(status)
            self.send_header("ETag", '"v1"')
            body = state.body if status == 200 else b"" if status == 304 else b"oops"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/meetings.json"
    yield state
    server.shutdown()


def add(session: Session, url: str, name: str = "Black Country Intergroup") -> ImportSource:
    source = ImportSource(name=name, type="meeting-guide", location=url, fellowship="AA",
                          trusted=True)  # fmt: skip
    session.add(source)
    session.flush()
    return source


def counts(session: Session) -> tuple[int, int]:
    query = "SELECT (SELECT count(*) FROM asset), (SELECT count(*) FROM revision)"
    return tuple(session.execute(text(query)).one())  # type: ignore[return-value]


def test_a_run_is_stored_and_an_unchanged_feed_is_not_downloaded_again(
    session: Session, upstream: Upstream
) -> None:
    source = add(session, upstream.url)
    first = run_source(session, source=source)
    assert (first.outcome, first.created, first.unplaced) == ("ok", 5, 0)
    assert first.failures == [
        {"id": "oldbury-big-book-study", "why": "duplicate slug oldbury-big-book-study"}
    ]
    assert upstream.seen[0]["User-Agent"].startswith("Waymark")
    assert source.etag == '"v1"'
    second = run_source(session, source=source)
    assert second.outcome == "not modified" and upstream.seen[1]["If-None-Match"] == '"v1"'
    stored = session.execute(
        text("SELECT outcome FROM import_run WHERE source_id = :s ORDER BY id"), {"s": source.id}
    ).scalars().all()  # fmt: skip
    assert stored == ["ok", "not modified"]


def test_server_errors_are_retried(
    session: Session, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "BACKOFF_S", 0.05)
    upstream.script = [503, 502]
    run = run_source(session, source=add(session, upstream.url))
    assert run.outcome == "ok" and run.created == 5 and len(upstream.seen) == 3


@pytest.mark.parametrize(
    ("script", "body", "reason"),
    [([500, 500, 500], FEED, "answered 500 (tried 3 times)"), ([404], FEED, "answered 404"),
     ([], b'{"meetings": [{"slug": "a", "name": "A", "day": 1, "time": "19:00"}, ',
      "not valid JSON"),
     ([], b"<html>Service unavailable</html>", "not JSON")],
)  # fmt: skip
def test_a_failing_source_changes_nothing_and_says_why(
    session: Session, upstream: Upstream, monkeypatch: pytest.MonkeyPatch,
    script: list[int], body: bytes, reason: str,
) -> None:  # fmt: skip
    monkeypatch.setattr(base, "BACKOFF_S", 0.01)
    upstream.script, upstream.body = list(script), body
    before = counts(session)
    run = run_source(session, source=add(session, upstream.url))
    assert run.outcome == "failed" and reason in (run.error or ""), run.error
    assert "nothing was changed" in (run.error or "")
    assert counts(session) == before


def test_one_failing_source_does_not_stop_the_others(
    session: Session, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "BACKOFF_S", 0.01)
    broken = add(session, "http://127.0.0.1:9/nothing-listens-here", name="Broken")
    working = add(session, upstream.url)
    assert run_and_report(session, [broken, working], dry_run=False) is False
    outcomes = session.execute(
        text("SELECT source_name, outcome, created FROM import_run ORDER BY id")
    ).all()
    assert [tuple(o) for o in outcomes][-2:] == [("Broken", "failed", 0), (working.name, "ok", 5)]


def test_an_oversized_feed_is_refused(session: Session, upstream: Upstream,
                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(base, "MAX_PAYLOAD_BYTES", 1000)
    run = run_source(session, source=add(session, upstream.url))
    assert run.outcome == "failed" and "larger than" in (run.error or "")


def test_admins_manage_sources_and_see_their_runs(
    client: TestClient, session: Session, signed_in: Callable[[Role], str], upstream: Upstream
) -> None:
    csrf = signed_in(Role.admin)
    bad = {"csrf": csrf, "name": "X", "type": "rss", "location": "ftp", "schedule": "daily"}
    refused = client.post("/mapper/sources", data=bad)
    assert refused.status_code == 422
    assert "at least 2 characters" in refused.text and 'value="ftp"' in refused.text
    assert session.execute(text("SELECT count(*) FROM import_source")).scalar_one() == 0
    local_file = {**bad, "name": "Local file", "type": "csv", "location": "/etc/passwd"}
    refused = client.post("/mapper/sources", data=local_file)
    assert refused.status_code == 422 and "http:// or https://" in refused.text
    good = {**bad, "name": "Black Country Intergroup", "type": "meeting-guide",
            "location": upstream.url, "fellowship": "AA", "enabled": "on"}  # fmt: skip
    added = client.post("/mapper/sources", data=good, follow_redirects=False)
    assert added.status_code == 303
    page = added.headers["location"]
    ran = client.post(f"{page}/run", data={"csrf": csrf}, follow_redirects=True)
    assert ran.status_code == 200
    assert "duplicate slug oldbury-big-book-study" in ran.text
    row = session.execute(text("SELECT created, outcome FROM import_run")).one()
    assert tuple(row) == (5, "ok")
    pending = session.execute(
        text("SELECT count(*) FROM asset WHERE source = 'Black Country Intergroup' "
             "AND status = 'pending_review'")
    ).scalar_one()  # fmt: skip
    assert pending == 5, "an untrusted source's entries wait for review"


def test_sources_are_due_by_their_schedule(session: Session) -> None:
    now = utcnow()
    for name, schedule, enabled, ran_ago in [
        ("daily, ran 2 days ago", SourceSchedule.daily, True, timedelta(days=2)),
        ("daily, ran an hour ago", SourceSchedule.daily, True, timedelta(hours=1)),
        ("weekly, never ran", SourceSchedule.weekly, True, None),
        ("manual, never ran", SourceSchedule.manual, True, None),
        ("daily, switched off", SourceSchedule.daily, False, None),
    ]:
        source = add(session, "http://127.0.0.1:9/feed", name=name)
        source.schedule, source.enabled = schedule, enabled
        if ran_ago is not None:
            session.add(ImportRun(source_id=source.id, source_name=name, started_at=now - ran_ago))
    session.flush()
    due = {s.name for s in due_sources(session, now=now)}
    assert due == {"daily, ran 2 days ago", "weekly, never ran"}


def test_a_default_town_names_addresses_and_lists_online_entries(
    client: TestClient, session: Session, signed_in: Callable[[Role], str], upstream: Upstream
) -> None:
    csrf = signed_in(Role.admin)
    oldbury = session.execute(text("SELECT id FROM place WHERE slug = 'oldbury'")).scalar_one()
    form = {"csrf": csrf, "name": "Oldbury Group Feed", "type": "meeting-guide", "trusted": "on",
            "location": upstream.url, "schedule": "daily", "enabled": "on"}  # fmt: skip
    page = client.get("/mapper/sources")
    assert f'<option value="{oldbury}">Oldbury</option>' in page.text
    refused = client.post("/mapper/sources", data={**form, "default_town_id": "999999"})
    assert refused.status_code == 422 and "choose one of the towns listed" in refused.text
    assert session.execute(text("SELECT count(*) FROM import_source")).scalar_one() == 0
    added = client.post("/mapper/sources", data={**form, "default_town_id": str(oldbury)},
                        follow_redirects=False)  # fmt: skip
    assert added.status_code == 303
    shown = client.get(added.headers["location"])
    assert f'<option value="{oldbury}" selected>Oldbury</option>' in shown.text
    client.post(f"{added.headers['location']}/run", data={"csrf": csrf})
    rows: dict[str, str] = dict(
        session.execute(  # type: ignore[arg-type]
            text("SELECT a.slug, coalesce(v.locality, '-') || ' / ' || coalesce(p.slug, '-') "
                 "FROM asset a LEFT JOIN venue v ON v.id = a.venue_id "
                 "LEFT JOIN place p ON p.id = a.town_id WHERE a.source = 'Oldbury Group Feed'")
        ).all()
    )  # fmt: skip
    assert rows["zoom-step-meeting"] == "- / oldbury", "online only: in the source's town"
    assert rows["tipton-tuesday-lunchtime"] == "Tipton / tipton", "the town its point is in"
    assert rows["wednesbury-saturday"] == "Wednesbury / wednesbury", "not the default town"
    listed = client.get("/api/v1/assets", params={"town": "oldbury", "limit": 100}).json()
    assert "zoom-step-meeting" in {a["slug"] for a in listed["items"]}
