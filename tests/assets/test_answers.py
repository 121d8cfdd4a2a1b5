"""Repeated API searches are answered from memory by the middleware: no handler, no SQL, the
same bytes and ETag; a changed format, data version or clock minute is searched again."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.core.config import get_settings
from app.feeds import cache

URL = "/api/v1/assets?near=B69%203DE&radius=5&kind=meeting"


@pytest.fixture
def statements(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))  # none remembered
    seen: list[str] = []
    keep = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", keep)
    yield seen
    event.remove(session.get_bind(), "before_cursor_execute", keep)


def test_a_repeat_is_answered_without_the_database(
    client: TestClient, statements: list[str]
) -> None:
    first = client.get(URL)
    assert first.status_code == 200 and statements, "searched"
    statements.clear()
    again = client.get(URL)
    assert again.status_code == 200 and statements == []
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert client.get(URL, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    geojson = client.get(URL, headers={"Accept": "application/geo+json"})
    assert geojson.json()["type"] == "FeatureCollection" and statements, "another answer"


def test_a_new_data_version_is_searched_again(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(URL)
    monkeypatch.setattr(cache._LAST_VERSION, "version", "a newer version")
    statements.clear()
    assert client.get(URL).status_code == 200 and statements, "not answered from memory"
