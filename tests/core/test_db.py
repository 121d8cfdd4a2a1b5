"""The request's session: committed when the work in it succeeds, never when it raises, and
the same for sync handlers (get_session) and async ones (get_session_factory)."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg import _queries as psycopg_queries
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core import db
from app.core.db import get_session, get_session_factory, reading_session, request_session
from tests.statements import sent_statements


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
    assert sessions is reading_session
    dependency = get_session()
    session = next(dependency)
    session.execute(text("SELECT 1"))
    with pytest.raises(StopIteration):
        next(dependency)
    assert commits == [session]


def test_a_long_statement_is_converted_for_the_driver_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg remembers how it turned a statement's placeholders into PostgreSQL's only for
    short ones; a search for this week (every day's schedule test) is far longer and was
    split with a regular expression at every run."""
    week = SearchParams.model_validate({"when": "week", "sort": "next"})
    search_assets(session, params=week)
    conversions: list[bytes] = []
    convert = psycopg_queries._query2pg_nocache

    def uncached(query: bytes, encoding: str) -> Any:
        conversions.append(query)
        return convert(query, encoding)

    monkeypatch.setattr(psycopg_queries, "_query2pg_nocache", uncached)
    with sent_statements(session) as sent:
        search_assets(session, params=week)
    assert max(len(s) for s in sent) > 4096, "a statement longer than psycopg's own limit"
    assert conversions == []


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The pings the pool's checkout sends (a round trip each)."""
    sent: list[Any] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT pg_backend_pid()")) or 0)


def test_a_connection_used_a_moment_ago_is_not_pinged(engine: Engine, pings: list[Any]) -> None:
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first, "the pool gave back the same connection"
    assert pings == []


def test_a_connection_idle_for_long_is_pinged(
    engine: Engine, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(engine)
    monkeypatch.setattr(db, "PING_IDLE_AFTER_S", 0.0)
    assert _backend_pid(engine) == first, "pinged and found alive: kept"
    assert len(pings) == 1


def test_a_connection_whose_backend_ended_is_replaced_before_use(
    engine: Engine, pings: list[Any]
) -> None:
    """A restarted database ends every backend; the pooled connection hears it on its socket,
    is pinged, fails and is replaced: the request using it never sees the error."""
    with engine.connect() as other:
        gone = _backend_pid(engine)  # another pooled connection, back in the pool
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": gone})
        # It returns once the backend is told, before the backend has ended and written to
        # the socket: a connection checked out before then is a race no check can win.
        alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        deadline = time.monotonic() + 10
        while other.scalar(alive, {"pid": gone}) and time.monotonic() < deadline:
            other.rollback()  # the activity view is read once a transaction
            time.sleep(0.01)
    deadline = time.monotonic() + 10
    while not pings and time.monotonic() < deadline:
        with engine.connect() as connection:  # the ended one first, until it says so
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
        time.sleep(0.05)
    assert pings, "the ended connection was pinged"
    assert pid != gone
