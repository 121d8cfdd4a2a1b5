"""The feed cache builds each key once, however many requests miss it at the same moment."""

import threading
import time

import pytest

from app.feeds.cache import FeedCache


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
