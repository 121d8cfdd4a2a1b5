"""Repeated API searches are answered from memory by the middleware: no handler, no SQL, the
same bytes and ETag; a changed format, data version or clock minute is searched again."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.types import Message, Receive, Scope, Send

from app.assets import answers, api
from app.assets.answers import SEARCHES, answer_key
from app.core.config import get_settings
from app.core.time import local_now
from app.feeds import cache
from app.feeds.cache import CachedFeed
from tests.statements import sent_statements

URL = "/api/v1/assets?near=B69%203DE&radius=5&kind=meeting"


@pytest.fixture
def statements(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))  # none remembered
    with sent_statements(session) as seen:
        yield seen


def _built(key: tuple[str, str]) -> CachedFeed | None:
    """The answer under `key` once the build behind an answer (on the client's event loop)
    has stored it; None after 5 s."""
    for _ in range(500):
        if (found := SEARCHES.get(key)) is not None:
            return found
        time.sleep(0.01)
    return None


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


def test_answers_kept_are_bounded_by_bytes_the_oldest_searched_again(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SEARCHES.max_bytes == get_settings().answer_cache_mb << 20
    SEARCHES.clear()
    big = [f"{URL}&per_page=100&radius={r}" for r in (5, 6, 7, 8)]
    size = len(client.get(big[0]).content)
    monkeypatch.setattr(SEARCHES, "max_bytes", 2 * size + size // 2)  # two pages of 100
    for url in big[1:]:
        assert client.get(url).status_code == 200
    assert 0 < SEARCHES.kept_bytes <= SEARCHES.max_bytes
    statements.clear()
    client.get(big[-1])
    assert statements == [], "the newest is kept"
    client.get(big[0])
    assert statements, "the oldest was let go, and is searched again"
    SEARCHES.clear()


def test_a_new_data_version_is_searched_again(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(URL)
    monkeypatch.setattr(cache._LAST_VERSION, "version", "a newer version")
    statements.clear()
    assert client.get(URL).status_code == 200 and statements, "not answered from memory"


def test_once_the_version_is_old_answers_go_on_with_it_and_wake_the_reader(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 1.0)
    first = client.get(URL)
    memo = cache._LAST_VERSION
    memo.wanted.clear()
    monkeypatch.setattr(memo, "read_at", memo.read_at - 1.5)  # the second has passed
    statements.clear()
    assert cache.fresh_version() == memo.version, "no caller is sent to read it"
    assert memo.wanted.is_set(), "the reading thread is woken to read it now"
    assert client.get(URL).content == first.content and statements == []
    monkeypatch.setattr(memo, "read_at", memo.read_at - cache.STALE_FOR_S)
    assert cache.fresh_version() is None, "never staler than the limit"
    assert client.get(URL).status_code == 200 and statements, "the handler read it"
    assert cache.fresh_version() == memo.version


def _next_minute(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Turns the middleware's and the handler's clocks a minute on; the key of URL's answer
    for that minute."""
    later = local_now() + timedelta(minutes=1)
    for module in (answers, api):
        monkeypatch.setattr(module, "local_now", lambda: later)
    version = cache.fresh_version()
    assert version is not None
    return answer_key(str(client.base_url.join(URL)), False, version, later)


def test_while_a_new_minute_is_built_the_others_have_last_minute(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get(URL)
    building = _next_minute(client, monkeypatch)
    monkeypatch.setitem(SEARCHES._building, building, threading.Event())
    statements.clear()
    assert client.get(URL).content == first.content and statements == []
    monkeypatch.delitem(SEARCHES._building, building)
    assert client.get(URL).content == first.content, "last minute's, and it starts the build"
    assert _built(building) is not None and statements, "built by the handler"


def test_when_the_minute_turns_everyone_has_last_minute_and_the_first_starts_the_build(
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
    starts = answers._remembered(scope)
    assert starts is not None and starts.build_behind, "the first is to start the build"
    assert starts.answer.body == first.content, "and has last minute's answer meanwhile"
    again = answers._remembered(scope)
    assert again is not None and not again.build_behind, "the rest: last minute's only"
    assert again.answer.body == first.content
    assert statements == [], "none of them touched the database"


def test_the_minutes_first_request_is_answered_at_once_and_the_build_runs_behind_it(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    SEARCHES.clear()
    first = client.get(URL)
    this_minute = _next_minute(client, monkeypatch)
    statements.clear()
    turned = client.get(URL)
    assert turned.status_code == 200 and turned.content == first.content, "last minute's"
    built = _built(this_minute)
    assert built is not None and statements, "this minute's answer was searched and stored"
    assert json.loads(built.body)["total"] == first.json()["total"]
    statements.clear()
    assert client.get(URL).content == built.body and statements == []


def test_shutdown_waits_for_the_builds_running_behind_answers() -> None:
    """Else a build would lose its connection as the pool closes at shutdown."""
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((await receive())["type"])

    async def build() -> None:
        await asyncio.sleep(0.05)
        seen.append("built")

    async def shutdown() -> Message:
        return {"type": "lifespan.shutdown"}

    async def send(message: Message) -> None:
        pass

    async def run() -> None:
        middleware = answers.RememberedAnswersMiddleware(inner)
        middleware._behind.add(asyncio.create_task(build()))
        await middleware({"type": "lifespan"}, shutdown, send)

    asyncio.run(run())
    assert seen == ["built", "lifespan.shutdown"]
