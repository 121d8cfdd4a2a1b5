"""The collector is paused while whole feeds are built, and only then."""

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

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
