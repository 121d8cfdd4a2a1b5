"""Town PDFs parsed back with pypdf; the QR code decoded with zxing-cpp."""

import io
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session

from app.core.config import get_settings
from app.feeds import cache
from app.printing import pages as printing_pages
from app.printing import pdf


def pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() or "" for page in reader.pages]


def flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


def town_entries(session: Session, slug: str) -> list[tuple[str, str]]:
    return session.execute(
        text(
            "SELECT a.name, a.kind FROM asset a JOIN venue v ON v.id = a.venue_id "
            "JOIN place p ON p.id = v.town_id WHERE p.slug = :s AND a.status = 'published'"
        ),
        {"s": slug},
    ).all()


def test_oldbury_pdf_has_every_entry_once_in_its_section(
    client: TestClient, session: Session
) -> None:
    response = client.get("/towns/oldbury.pdf")
    assert response.headers["content-type"] == "application/pdf"
    reader, pages = pdf_text(response.content)
    assert len(reader.pages) > 0
    body = flat(pages)
    assert "Recovery support in Oldbury" in body
    assert re.search(r"Correct on \d{1,2} \w+ 20\d\d — check the website for changes", body)
    sections = ["Mutual-aid meetings", "Bumping spaces", "Volunteering", "Clubs and groups",
                "Courses", "Work and employment", "Peer support", "Support services",
                "Meetings just outside Oldbury"]  # fmt: skip
    positions = {s: body.find(s) for s in sections if s in body}
    assert list(positions) == sorted(positions, key=positions.__getitem__), "section order"
    bounds = [*sorted(positions.values()), len(body)]
    for name, kind in town_entries(session, "oldbury"):
        title = f"{name} When:"  # an entry's name line (names can also be venue names)
        assert body.count(title) == 1, f"{name} appears once"
        label = {"meeting": "Mutual-aid meetings", "bumping_space": "Bumping spaces",
                 "volunteering": "Volunteering", "club": "Clubs and groups", "course": "Courses",
                 "employment": "Work and employment", "peer_support": "Peer support",
                 "service": "Support services"}[kind]  # fmt: skip
        start = positions[label]
        end = next(b for b in bounds if b > start)
        assert start < body.find(title) < end, f"{name} under {label}"
    assert "Page 1 of" in pages[0]
    assert "Key" in body and "Step-free access" in body


def test_meetings_are_in_day_order_and_cancellations_are_noted(
    client: TestClient, session: Session
) -> None:
    session.execute(
        text(
            "UPDATE schedule SET cancelled_dates = ARRAY[current_date + 7] WHERE asset_id = "
            "(SELECT id FROM asset WHERE external_id = 'aa-oldbury-tue')"
        )
    )
    session.flush()
    _, pages = pdf_text(client.get("/towns/oldbury.pdf").content)
    body = flat(pages)
    meetings = body[body.find("Mutual-aid meetings") : body.find("Bumping spaces")]
    days = [d for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                        "Sunday") if f" {d} " in f" {meetings} "]  # fmt: skip
    found = sorted(days, key=meetings.find)
    assert found == days and len(days) >= 2
    assert "Not on:" in body


def test_qr_code_decodes_to_the_town_page(client: TestClient) -> None:
    reader, _ = pdf_text(client.get("/towns/tipton.pdf").content)
    images = [Image.open(io.BytesIO(image.data)) for image in reader.pages[0].images]
    decoded = [r.text for img in images for r in zxingcpp.read_barcodes(img.convert("L"))]
    assert f"{get_settings().base_url}/towns/tipton" in decoded


def test_filters_and_borough_edition(client: TestClient, session: Session) -> None:
    _, pages = pdf_text(
        client.get("/towns/tipton.pdf", params={"kind": "meeting", "time": "evening"}).content
    )
    body = flat(pages)
    assert "Only: Mutual-aid meetings · Evening" in body
    assert "Bumping spaces" not in body
    assert "Tipton Canal Side AA" in body
    _, borough = pdf_text(client.get("/towns/sandwell.pdf").content)
    everything = flat(borough)
    for name, _ in town_entries(session, "tipton") + town_entries(session, "oldbury"):
        assert name in everything


def test_print_view_html_and_bad_filters(client: TestClient) -> None:
    page = client.get("/towns/oldbury/print", params={"kind": "meeting"})
    assert page.status_code == 200 and "/static/css/print.css" in page.text
    assert 'href="/towns/oldbury.pdf?kind=meeting"' in page.text
    assert client.get("/towns/oldbury.pdf", params={"radius": "-1"}).status_code == 422
    assert client.get("/towns/atlantis.pdf").status_code == 404


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.css", "file:///etc/passwd"])
def test_pdf_fetcher_refuses_anything_outside_the_static_files(url: str) -> None:
    from app.printing.html_to_pdf import StaticOnlyFetcher

    with pytest.raises(ValueError, match=r"refusing|disallowed"):
        StaticOnlyFetcher().fetch(url)


def test_a_pdf_being_laid_out_holds_no_handler_thread(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()

    async def slow_layout(html: str) -> bytes:
        started.set()
        with anyio.fail_after(10):
            while not release.is_set():
                await anyio.sleep(0.01)
        return b"%PDF-1.7 laid out"

    def handler_threads(n: int) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = n

    monkeypatch.setattr(pdf, "lay_out", slow_layout)
    assert client.portal is not None
    client.portal.call(handler_threads, 1)
    answers: dict[str, Any] = {}
    try:
        asking = threading.Thread(
            target=lambda: answers.update(pdf=client.get("/towns/oldbury.pdf"))
        )
        asking.start()
        assert started.wait(10), "the layout started"
        assert client.get("/api/v1/interests").status_code == 200, "the one handler thread is free"
        release.set()
        asking.join(10)
    finally:
        release.set()
        client.portal.call(handler_threads, get_settings().sync_threads)
    assert answers["pdf"].status_code == 200 and answers["pdf"].content.startswith(b"%PDF")


def test_long_documents_are_laid_out_in_a_child_process_each(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker keeps none of a long layout's memory: each is laid out in a child of its own,
    which ends with it."""
    children: list[dict[int, Any]] = []  # each child's processes, by pid
    new_child = pdf.layout_child

    def counted() -> ProcessPoolExecutor:
        child = new_child()
        children.append(child._processes)  # type: ignore[attr-defined]
        return child

    monkeypatch.setattr(pdf, "layout_child", counted)
    short = client.get("/towns/oldbury.pdf")
    assert short.status_code == 200 and children == [], "the demo's dozen entries: in the worker"
    monkeypatch.setattr(pdf, "LAYOUT_HERE_UP_TO", 0)
    pdf.laid_out_pdfs(client.app).clear()  # laid out again, not the one kept
    response = client.get("/towns/oldbury.pdf")
    assert response.status_code == 200 and len(children) == 1
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Oldbury" in text
    (pid,) = children[0]
    assert pid != os.getpid()
    assert _ended(pid), "the child ended with its layout"


def test_a_pdf_is_laid_out_once_for_the_same_listing(client: TestClient, session: Session) -> None:
    """Asked again, the same listing's PDF is the one kept (or a 304 for the client that has
    it); a change to the listing lays it out again."""
    pdfs = pdf.laid_out_pdfs(client.app)
    first = client.get("/towns/oldbury.pdf")
    again = client.get("/towns/oldbury.pdf")
    assert first.status_code == again.status_code == 200 and pdfs.layouts == 1
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert first.headers["content-disposition"] == 'inline; filename="waymark-oldbury.pdf"'
    has_it = client.get("/towns/oldbury.pdf", headers={"If-None-Match": first.headers["etag"]})
    assert has_it.status_code == 304 and has_it.content == b"" and pdfs.layouts == 1
    filtered = client.get("/towns/oldbury.pdf?kind=meeting")
    assert filtered.status_code == 200 and pdfs.layouts == 2
    assert filtered.headers["etag"] != first.headers["etag"]

    (name,) = session.execute(
        text(
            "UPDATE asset SET name = name || ' (renamed)' WHERE id = (SELECT a.id FROM asset a "
            "JOIN venue v ON v.id = a.venue_id JOIN place p ON p.id = v.town_id "
            "WHERE p.slug = 'oldbury' AND a.status = 'published' ORDER BY a.id LIMIT 1) "
            "RETURNING name"
        )
    ).one()
    changed = client.get("/towns/oldbury.pdf", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and pdfs.layouts == 3
    assert changed.headers["etag"] != first.headers["etag"]
    assert name in flat(pdf_text(changed.content)[1])


def test_a_layout_child_ends_once_its_worker_has() -> None:
    worker = subprocess.Popen(["true"])
    worker.wait()  # ended, as a worker killed mid-layout has
    with pdf.layout_child(owner=worker.pid) as child:
        waiting = child.submit(time.sleep, 30)
        with pytest.raises(BrokenProcessPool):
            waiting.result(timeout=10)


def _ended(pid: int, within_s: float = 10) -> bool:
    """Whether the process is gone (reaped, or a zombie awaiting its parent) within the time."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def test_asked_again_in_the_same_minute_the_kept_pdf_is_sent_without_its_html(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With versions remembered (production), the HTML made for a URL is noted with its data
    version and minute: a repeat, or a client that has it, gets the PDF kept under it without
    the listing being gathered again; an edit (a new version) makes the HTML again."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))
    made: list[str] = []
    document = printing_pages.listing_document

    def counted(*args: Any, **kwargs: Any) -> str:
        made.append(html := document(*args, **kwargs))
        return html

    monkeypatch.setattr(printing_pages, "listing_document", counted)
    pdfs = pdf.laid_out_pdfs(client.app)
    first = client.get("/towns/tipton.pdf")
    again = client.get("/towns/tipton.pdf")
    has_it = client.get("/towns/tipton.pdf", headers={"If-None-Match": first.headers["etag"]})
    assert len(made) == 1 and pdfs.layouts == 1
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-disposition"] == 'inline; filename="waymark-tipton.pdf"'
    assert has_it.status_code == 304
    session.execute(
        text(
            "UPDATE asset SET name = name || ' (renamed)' WHERE id = (SELECT a.id FROM asset a "
            "JOIN venue v ON v.id = a.venue_id JOIN place p ON p.id = v.town_id "
            "WHERE p.slug = 'tipton' AND a.status = 'published' ORDER BY a.id LIMIT 1)"
        )
    )
    cache._LAST_VERSION.read_at = float("-inf")  # a minute later: the version is read again
    changed = client.get("/towns/tipton.pdf")
    assert (
        len(made) == 2 and pdfs.layouts == 2 and "(renamed)" in flat(pdf_text(changed.content)[1])
    )


def test_the_app_loads_weasyprint_only_to_lay_out() -> None:
    """WeasyPrint is 27 MB of a worker's memory: a worker that serves pages and searches never
    loads it (app.printing.pdf imports it at the first layout)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, app.main; print('weasyprint' in sys.modules)"],
        capture_output=True, text=True, check=True, env={**os.environ, "LOG_LEVEL": "warning"},
    )  # fmt: skip
    assert loaded.stdout.strip() == "False"
