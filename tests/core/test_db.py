"""The request's session: committed when the work in it succeeds, never when it raises, and
the same for sync handlers (get_session) and async ones (get_session_factory)."""

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from app.core.db import get_session, get_session_factory, request_session


@pytest.fixture
def commits() -> Iterator[list[Session]]:
    seen: list[Session] = []

    def count(session: Session) -> None:
        seen.append(session)

    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


def test_work_that_succeeds_is_committed(commits: list[Session]) -> None:
    with request_session() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
    assert commits == [session]


def _failing_handler() -> Session:
    with request_session() as session:
        session.execute(text("SELECT 1"))
        raise HandlerFailed(session)


class HandlerFailed(Exception):
    pass


def test_work_that_raises_is_not_committed(commits: list[Session]) -> None:
    with pytest.raises(HandlerFailed) as failed:
        _failing_handler()
    session = failed.value.args[0]
    assert commits == []
    assert not session.in_transaction()  # rolled back and closed


def test_sync_and_async_handlers_get_the_same_sessions(commits: list[Session]) -> None:
    sessions = asyncio.run(get_session_factory())  # no thread: FastAPI awaits it on the loop
    assert sessions is request_session
    dependency = get_session()
    session = next(dependency)
    session.execute(text("SELECT 1"))
    with pytest.raises(StopIteration):
        next(dependency)
    assert commits == [session]
