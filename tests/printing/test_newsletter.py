import io
import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.models import Role
from app.core.time import local_now
from app.printing.newsletter import as_text, publish_edition


def test_draft_then_stored_editions_can_be_downloaded_again(
    client: TestClient, session: Session
) -> None:
    first = publish_edition(session, now=local_now() - timedelta(days=14), featured="Welcome!")
    session.execute(
        text("UPDATE asset SET name = name || ' (moved)' WHERE external_id = 'club-choir'")
    )
    session.execute(text("UPDATE asset SET status = 'archived' WHERE external_id = 'club-books'"))
    second = publish_edition(session, now=local_now(), featured="A new café opens in Tipton.")
    assert second.number == first.number + 1
    page = client.get("/newsletter").text
    assert "edition " + str(second.number) in page and "A new café opens in Tipton." in page
    older = client.get(f"/newsletter/{first.number}").text
    assert "Welcome!" in older and "A new café" not in older
    text_version = client.get("/newsletter.txt").text
    assert "CLOSED OR STOPPED" in text_version and "Recovery Reads Book Club" in text_version
    assert "GAPS WE ARE TRYING TO FILL" in text_version
    assert "- Oldbury: no Narcotics Anonymous" in text_version
    pdf = PdfReader(io.BytesIO(client.get(f"/newsletter/{second.number}.pdf").content))
    body = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pdf.pages))
    assert "What’s on: the next two weeks" in body or "What's on: the next two weeks" in body
    assert "Gaps we are trying to fill" in body


def test_agenda_covers_fourteen_days_in_order(session: Session) -> None:
    edition = publish_edition(session, now=local_now())
    days = edition.content["days"]
    assert 13 <= len(days) <= 15
    for day in days:
        times = [e["time"] for e in day["entries"]]
        assert times == sorted(times)
    assert as_text(edition.content).count("\n  ") >= sum(len(d["entries"]) for d in days)


def test_unknown_edition_is_404(client: TestClient) -> None:
    assert client.get("/newsletter/99999").status_code == 404


def test_coordinator_writes_the_featured_piece_and_publishes(
    client: TestClient, session: Session, signed_in: Callable[[Role], str]
) -> None:
    csrf = signed_in(Role.coordinator)
    desk = client.get("/mapper/newsletter")
    assert desk.status_code == 200 and "THE NEXT 14 DAYS" in desk.text
    published = client.post(
        "/mapper/newsletter", data={"csrf": csrf, "featured": "Sunday breakfast is back!"},
        follow_redirects=False,
    )  # fmt: skip
    assert published.status_code == 303
    assert "Sunday breakfast is back!" in client.get(published.headers["location"]).text
    client.cookies.clear()
    signed_in(Role.mapper)
    assert client.get("/mapper/newsletter").status_code == 403
