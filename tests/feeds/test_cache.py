"""The feed cache builds each key once, however many requests miss it at the same moment."""

import threading
import time

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from app.core.config import get_settings
from app.feeds import cache
from app.feeds.cache import FeedCache, data_version


def test_concurrent_misses_wait_for_one_build() -> None:
    cache = FeedCache()
    builds: list[int] = []

    def build() -> tuple[bytes, str]:
        builds.append(1)
        time.sleep(0.2)  # a slow feed
        return b"feed", "text/plain"

    bodies: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: bodies.append(cache.get_or_build(("u", "v1"), build).body))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bodies == [b"feed"] * 8 and len(builds) == 1
    cache.get_or_build(("u", "v2"), build)  # a new version is built again
    assert len(builds) == 2


def test_a_failed_build_lets_the_next_request_build() -> None:
    cache = FeedCache()

    def broken() -> tuple[bytes, str]:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get_or_build(("u", "v"), broken)
    assert cache.get_or_build(("u", "v"), lambda: (b"ok", "text/plain")).body == b"ok"


def test_the_data_version_is_read_once_a_second_at_most(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 1.0)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))  # as a fresh process
    reads: list[str] = []
    listen = "before_cursor_execute"
    keep = lambda *args: reads.append(args[2]) if "max(change_seq)" in args[2] else None  # noqa: E731
    event.listen(session.get_bind(), listen, keep)
    try:
        first = data_version(session)
        again = data_version(session)  # within the second: from memory
        assert again == first and len(reads) == 1
        session.execute(
            text("UPDATE asset SET name = name || '.' WHERE id = (SELECT min(id) FROM asset)")
        )
        assert data_version(session) == first, "an edit shows within the second, not at once"
        monkeypatch.setattr(cache._LAST_VERSION, "read_at", cache._LAST_VERSION.read_at - 1.5)
        assert data_version(session) != first, "read again once the second has passed"
    finally:
        event.remove(session.get_bind(), listen, keep)


def test_a_thread_of_its_own_keeps_the_version_fresh(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answers from memory never wait for a request to read the version (app.main's lifespan
    starts this): the thread reads it every half `data_version_ttl_s` and stops when told."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 0.2)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))
    assert cache.fresh_version() is None
    stop = cache.keep_version_fresh(engine)
    try:
        deadline = time.monotonic() + 5
        while cache.fresh_version() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        with engine.connect() as connection:
            change, top = connection.execute(cache.VERSION).one()
        assert cache.fresh_version() == f"{change}-{top}"
        first = cache._LAST_VERSION.read_at
        time.sleep(0.3)
        assert cache._LAST_VERSION.read_at > first, "read again within the half-second"
    finally:
        stop()
    assert not any(t.name == "data-version" for t in threading.enumerate())
    stopped_at = cache._LAST_VERSION.read_at
    time.sleep(0.3)
    assert cache._LAST_VERSION.read_at == stopped_at


def test_an_answer_that_finds_the_version_old_wakes_the_thread_to_read_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read at once, not at the thread's next half-ttl: no caller waits for it meanwhile."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 30.0)  # next read in 15 s
    memo = cache._LAST_VERSION
    monkeypatch.setattr(memo, "read_at", float("-inf"))
    stop = cache.keep_version_fresh(engine)
    try:
        deadline = time.monotonic() + 5
        while cache.fresh_version() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        memo.read_at -= 31  # older than its ttl, within the staleness limit
        old = memo.read_at
        assert cache.fresh_version() == memo.version, "answered with the last version"
        deadline = time.monotonic() + 5
        while memo.read_at == old and time.monotonic() < deadline:
            time.sleep(0.02)
        assert memo.read_at > old, "read again within 5 s, not after 15"
    finally:
        stop()


def test_no_thread_when_versions_are_not_remembered(engine: Engine) -> None:
    assert get_settings().data_version_ttl_s == 0  # the tests' setting: read every time
    cache.keep_version_fresh(engine)()
    assert not any(t.name == "data-version" for t in threading.enumerate())


def test_one_request_is_sent_to_build_and_the_claim_lapses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache_ = FeedCache()
    key = ("u", "v")
    assert cache_.claim(key), "the first is sent to build it"
    assert not cache_.claim(key), "the rest are not"
    clock = time.monotonic()
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock + cache.CLAIM_S)
    assert cache_.claim(key), "one that never built it is not waited for past CLAIM_S"
    cache_.get_or_build(key, lambda: (b"ok", "text/plain"))
    assert not cache_.claim(key), "built: nothing to claim"
    assert cache_._claims == {}


def test_a_failed_build_frees_its_claim() -> None:
    cache_ = FeedCache()
    assert cache_.claim(("u", "v"))

    def broken() -> tuple[bytes, str]:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache_.get_or_build(("u", "v"), broken)
    assert cache_.claim(("u", "v")), "the next request may try at once"


def test_bounded_by_bytes_the_least_recently_used_go_first() -> None:
    kept = FeedCache(max_entries=10, max_bytes=100)

    def body(size: int) -> tuple[bytes, str]:
        return b"x" * size, "text/html"

    kept.get_or_build(("a", "v"), lambda: body(40))
    kept.get_or_build(("b", "v"), lambda: body(40))
    assert kept.get(("a", "v")) is not None  # a is now the more recently used
    kept.get_or_build(("c", "v"), lambda: body(40))
    assert kept.get(("b", "v")) is None and kept.get(("a", "v")) is not None
    assert kept.kept_bytes == 80
    kept.get_or_build(("a", "v2"), lambda: body(30))  # a new version: a page of its own
    assert kept.kept_bytes == 70 and kept.get(("c", "v")) is None, "c: the least recent"
    too_big = kept.get_or_build(("d", "v"), lambda: body(101))
    assert too_big.body == b"x" * 101 and kept.get(("d", "v")) is None, "sent, not kept"
    assert kept.kept_bytes == 70
    kept.clear()
    assert kept.kept_bytes == 0


def test_entries_past_their_time_are_let_go_as_others_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cache of what is kept for its minute lets go of what a past minute kept, once a
    second at most, before the bound by bytes would (a town's pages of past minutes)."""
    clock = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    kept = FeedCache(max_entries=10, max_bytes=1000, kept_for_s=cache.MINUTE_KEYED_S)
    kept.get_or_build(("town", "v@1200"), lambda: (b"x" * 300, "text/html"))
    clock[0] += cache.MINUTE_KEYED_S - 0.5
    kept.get_or_build(("town", "v@1202"), lambda: (b"y" * 300, "text/html"))
    assert kept.kept_bytes == 600, "not yet past its time"
    clock[0] += cache.SWEEP_S / 2
    kept.get_or_build(("search", "v@1202"), lambda: (b"z" * 10, "text/html"))
    assert kept.kept_bytes == 610, "looked for at most once a second"
    clock[0] += cache.SWEEP_S / 2
    kept.get_or_build(("search", "v@1202b"), lambda: (b"z" * 10, "text/html"))
    assert kept.get(("town", "v@1200")) is None and kept.get(("town", "v@1202")) is not None
    assert kept.kept_bytes == 320
