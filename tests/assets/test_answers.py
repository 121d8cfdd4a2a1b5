"""Repeated API searches are answered from memory by the middleware: no handler, no SQL, the
same bytes and ETag; a changed format, data version or clock minute is searched again."""

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assets import answers, api
from app.assets.answers import SEARCHES, answer_key
from app.core.config import get_settings
from app.core.time import local_now
from app.feeds import cache
from tests.statements import sent_statements

URL = "/api/v1/assets?near=B69%203DE&radius=5&kind=meeting"


@pytest.fixture
def statements(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))  # none remembered
    with sent_statements(session) as seen:
        yield seen


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


def test_once_the_version_is_old_one_request_reads_it_and_the_rest_answer_from_memory(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 1.0)
    first = client.get(URL)
    memo = cache._LAST_VERSION
    monkeypatch.setattr(memo, "read_at", memo.read_at - 1.5)  # the second has passed
    statements.clear()
    assert cache.fresh_version() is None, "this caller goes to read the next version"
    assert cache.fresh_version() == memo.version, "the others go on with the last one"
    assert client.get(URL).content == first.content and statements == []
    monkeypatch.setattr(memo, "read_at", memo.read_at - cache.STALE_FOR_S)
    assert cache.fresh_version() is None, "never staler than the limit"
    assert client.get(URL).status_code == 200 and statements, "the handler read it"
    assert cache.fresh_version() == memo.version and not memo.reading


def test_while_a_new_minute_is_built_the_others_have_last_minute(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get(URL)
    later = local_now() + timedelta(minutes=1)
    for module in (answers, api):  # the middleware's clock and the handler's
        monkeypatch.setattr(module, "local_now", lambda: later)
    version = cache.fresh_version()
    assert version is not None
    building = answer_key(str(client.base_url.join(URL)), False, version, later)
    monkeypatch.setitem(SEARCHES._building, building, threading.Event())
    statements.clear()
    assert client.get(URL).content == first.content and statements == []
    monkeypatch.delitem(SEARCHES._building, building)
    assert client.get(URL).status_code == 200 and statements, "built by the handler"


def test_when_the_minute_turns_one_request_builds_and_the_rest_have_last_minute(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decided as each request arrives, on the event loop: had the rest waited for the first
    to start building in a handler thread, every one in between would have gone there too."""
    SEARCHES.clear()  # nothing remembered from other tests for the minutes used here
    first = client.get(URL)
    later = local_now() + timedelta(minutes=1)
    monkeypatch.setattr(answers, "local_now", lambda: later)
    scope = {
        "type": "http", "method": "GET", "scheme": "http", "server": ("testserver", 80),
        "root_path": "", "path": URL.split("?")[0], "query_string": URL.split("?")[1].encode(),
        "headers": [(b"host", b"testserver")],
    }  # fmt: skip
    statements.clear()
    assert answers._remembered(scope) is None, "the first goes to the handler to build"
    again = answers._remembered(scope)
    assert again is not None and again.body == first.content, "the rest: last minute's"
    assert statements == [], "neither touched the database"
