import gzip
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assets import answers, api
from app.assets.answers import SEARCHES
from app.core.config import get_settings
from app.core.db import get_session
from app.core.time import local_now
from app.feeds.cache import FEEDS
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


@pytest.mark.parametrize(
    "url",
    ["/api/v1/assets?near=B69%203DE&radius=5", "/feeds/meeting-guide.json", "/feeds/all.ics"],
)
def test_kept_answers_and_feeds_are_compressed_once_each_encoding_its_own_etag(
    client: TestClient, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compressions: list[int] = []
    compress = gzip.compress

    def counted(data: bytes, *args: object, **kwargs: object) -> bytes:
        compressions.append(len(data))
        return compress(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gzip, "compress", counted)
    FEEDS.clear()  # kept by an earlier test for the same data
    SEARCHES.clear()
    minute = local_now()  # the API's answers are kept for their minute: one minute here
    for module in (api, answers):
        monkeypatch.setattr(module, "local_now", lambda: minute)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = [client.get(url, headers={"Accept-Encoding": "gzip"}) for _ in range(2)]
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert all(z.headers["content-encoding"] == "gzip" for z in zipped)
    assert zipped[0].content == zipped[1].content == plain.content  # (httpx decodes)
    assert compressions == [len(plain.content)], "once, the kept body"
    assert zipped[0].headers["etag"] == zipped[1].headers["etag"] != plain.headers["etag"]
    for response, encoding in ((plain, "identity"), (zipped[0], "gzip")):
        again = client.get(
            url, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["etag"]}
        )
        assert again.status_code == 304 and "content-encoding" not in again.headers
