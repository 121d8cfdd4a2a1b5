"""The collector is paused while whole feeds are built, and only then."""

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core import heap
from app.core.heap import collections_paused
from app.feeds import api as feeds_api
from app.feeds.cache import FEEDS


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_on_again_only_when_the_last_of_overlapping_builds_ends() -> None:
    with collections_paused():
        assert not gc.isenabled()
        with collections_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer build is still running"
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collections_paused():
        pass
    assert not gc.isenabled()


def test_a_failed_build_turns_the_collector_on_again() -> None:
    with pytest.raises(RuntimeError), collections_paused():
        raise RuntimeError("the build failed")
    assert gc.isenabled()


def test_feeds_are_built_with_the_collector_paused(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    rows = feeds_api.meeting_rows

    def recording(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return rows(*args)

    monkeypatch.setattr(feeds_api, "meeting_rows", recording)
    FEEDS.clear()
    response = client.get("/feeds/meeting-guide.json")
    assert response.status_code == 200 and response.json()
    assert seen == [False] and gc.isenabled()


# Eight threads allocating at once, then the allocator's own account of its arenas.
_THREADS = """
import ctypes, ctypes.util, sys, threading
from app.core import heap
print(heap.limit_arenas() if sys.argv[1] == "limit" else "-")
start = threading.Barrier(8)
def work():
    start.wait()
    kept = [bytes(1024) for _ in range(2000)]
    start.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL(ctypes.util.find_library("c")).malloc_stats()
"""


def _arenas(*args: str, env: dict[str, str] | None = None) -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _THREADS, *args], capture_output=True, text=True, check=True,
        env={k: v for k, v in {**os.environ, **(env or {})}.items() if v},
    )  # fmt: skip
    return done.stdout.strip(), done.stderr.count("Arena ")


def test_threads_share_at_most_two_malloc_arenas() -> None:
    set_, limited = _arenas("limit", env={"MALLOC_ARENA_MAX": ""})
    _, unlimited = _arenas("-", env={"MALLOC_ARENA_MAX": ""})
    assert set_ == "True" and limited <= heap.ARENAS < unlimited
    said, _ = _arenas("limit", env={"MALLOC_ARENA_MAX": "4"})
    assert said == "False", "the operator's MALLOC_ARENA_MAX stands"
