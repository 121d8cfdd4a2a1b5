from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_session
from app.main import create_app


@pytest.fixture
def limited_client(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(get_settings(), "api_rate_limit_per_minute", 3)
    app = create_app()
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield client


def test_429_with_retry_after_once_over_the_limit(limited_client: TestClient) -> None:
    codes = [limited_client.get("/api/v1/places").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = limited_client.get("/api/v1/places")
    assert int(refused.headers["retry-after"]) > 0
    assert "too many requests" in refused.json()["detail"]
    assert limited_client.get("/").status_code == 200, "the site itself is not limited"


def test_api_is_gzipped_and_conditional(client: TestClient) -> None:
    first = client.get(
        "/api/v1/assets", params={"per_page": 50}, headers={"Accept-Encoding": "gzip"}
    )
    assert first.headers["content-encoding"] == "gzip"
    again = client.get(
        "/api/v1/assets", params={"per_page": 50}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
