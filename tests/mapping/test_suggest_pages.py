import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from app.core.ratelimit import RateLimiter
from app.core.security import form_token
from app.mapping import suggest_pages
from app.mapping.models import Suggestion


@pytest.fixture(autouse=True)
def fresh_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suggest_pages, "LIMITER", RateLimiter(limit=5, window_s=3600))


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Suggestion)) or 0


def aged_token() -> str:
    return form_token(time.time() - 30)


def test_a_suggestion_is_stored_for_review(client: TestClient, session: Session) -> None:
    asset_id = client.get("/api/v1/assets", params={"per_page": 1}).json()["items"][0]["id"]
    form = client.get(f"/suggest?asset={asset_id}")
    assert form.status_code == 200 and 'name="token"' in form.text
    before = count(session)
    response = client.post(
        "/suggest",
        data={
            "token": aged_token(),
            "asset_id": str(asset_id),
            "kind": "closed",
            "message": "The group stopped meeting in October.",
            "website": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/suggest/thanks"
    assert count(session) == before + 1
    stored = session.execute(select(Suggestion).order_by(Suggestion.id.desc())).scalars().first()  # type: ignore[union-attr]
    assert stored is not None and stored.asset_id == asset_id and stored.kind == "closed"


def test_invalid_input_reshows_the_form_filled_in_and_stores_nothing(
    client: TestClient, session: Session
) -> None:
    before = count(session)
    response = client.post(
        "/suggest",
        data={
            "token": aged_token(),
            "kind": "new",
            "message": "<b>hi</b>",
            "reporter_email": "not-an-email",
        },
    )
    assert response.status_code == 422
    assert "at least 10 characters" in response.text
    assert "Enter an email address" in response.text
    assert "&lt;b&gt;hi&lt;/b&gt;" in response.text, "what was typed comes back, escaped"
    assert 'value="not-an-email"' in response.text
    assert count(session) == before


def test_honeypot_and_instant_submissions_store_nothing(
    client: TestClient, session: Session
) -> None:
    before = count(session)
    bot = {"kind": "new", "message": "Buy cheap things at our shop today", "website": "http://spam"}
    assert (
        client.post(
            "/suggest", data={**bot, "token": aged_token()}, follow_redirects=False
        ).status_code
        == 303
    )
    instant = client.post("/suggest", data={**bot, "website": "", "token": form_token()})
    assert instant.status_code == 400
    forged = client.post("/suggest", data={**bot, "website": "", "token": "123.abc"})
    assert forged.status_code == 400
    assert count(session) == before


def test_rate_limited_after_five_reports(client: TestClient, session: Session) -> None:
    data = {"kind": "new", "message": "A new walking group on Fridays at the park."}
    codes = [
        client.post(
            "/suggest", data={**data, "token": aged_token()}, follow_redirects=False
        ).status_code
        for _ in range(6)
    ]
    assert codes == [303] * 5 + [429]
