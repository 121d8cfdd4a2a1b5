"""Engine and the per-request session. Services flush; the request's session commits."""

import select
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import Any

from psycopg import _queries as psycopg_queries
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

import app.models  # noqa: F401 - every table mapped before the first session
from app.core.config import get_settings

CONNECT_TIMEOUT_S = 5
DB_OPTIONS = "-c jit=off -c plan_cache_mode=force_custom_plan -c max_parallel_workers_per_gather=0"

# psycopg turns a statement's %(name)s placeholders into $1, $2… by splitting its text with a
# regular expression, and remembers the result (128 statements) only for statements under
# 4 KB with at most 50 parameters. A search for this week tests each of the next seven days'
# schedules: ~16 KB and ~220 parameters, split again at every run, 0.45 ms each, twice a
# search (the home page's). Every search statement is remembered; a bulk insert's batches of
# thousands of parameters still are not (128 of those would hold megabytes).
psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = 64 * 1024
psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = 500


# A pooled connection idle longer than this is pinged (one round trip) before it is used; one
# used more recently is pinged only when its socket has something to say (_checking_out).
PING_IDLE_AFTER_S = 10.0


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        # JIT costs more than it saves on our short KNN queries (DESIGN.md, Geography).
        # psycopg prepares a statement after five runs, and PostgreSQL may then switch to one
        # generic plan for every parameter: a town's search went from 68 to 240 ms at a
        # million entries. Each search's selectivity depends on its values, so every
        # execution is planned. No parallel workers: starting one cost 8 ms of an 11 ms page
        # (when=today at 100,000 entries: p50 32 -> 12 ms; at a million no shape slower), and
        # under load requests already use every core.
        # A database that does not answer fails a connection in seconds, not the system's
        # minutes: the API search waits on the event loop (app.assets.api).
        connect_args={"options": DB_OPTIONS, "connect_timeout": CONNECT_TIMEOUT_S},
    )
    event.listen(engine, "connect", _note_use)
    event.listen(engine, "checkin", _note_use)
    event.listen(engine, "checkout", _checking_out(engine.dialect))
    return engine


def _note_use(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["last_used"] = time.monotonic()


def _checking_out(dialect: Dialect) -> Callable[[Any, ConnectionPoolEntry, Any], None]:
    def check_out(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        """Whether a pooled connection still has a server behind it, as pool_pre_ping asks,
        but without its round trip on every checkout (one of a near search's six; all-different
        near searches on two workers, alternating: 472-488 req/s without it, 424-477 with). A
        server that stops or restarts, or ends the backend, says so on the socket (an error,
        then end of file), so an idle connection with anything to read is pinged; so is one
        idle for longer than PING_IDLE_AFTER_S, which a firewall or a proxy may have dropped
        in silence. A failed ping makes the pool replace the connection before the request
        uses it."""
        idle_s = time.monotonic() - record.info.get("last_used", 0.0)
        if idle_s < PING_IDLE_AFTER_S and not _has_input(dbapi_connection.fileno()):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"the pooled connection is gone: {error}") from error

    return check_out


def _has_input(fileno: int) -> bool:
    """Whether the socket is readable or closed, without waiting."""
    poll = select.poll()
    poll.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poll.poll(0))


SessionFactory = Callable[[], AbstractContextManager[Session]]


@contextmanager
def request_session() -> Iterator[Session]:
    """One request's session, committed when the work in it succeeds."""
    with Session(get_engine()) as session:
        yield session
        session.commit()


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, committed when the handler succeeds."""
    with request_session() as session:
        yield session


@lru_cache
def _reading_engine() -> Engine:
    """The engine's pool, its connections lent in autocommit (set on the client: no round
    trip) and given back as they were."""
    return get_engine().execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def reading_session() -> Iterator[Session]:
    """A session for a request that reads, and writes at most one row at a time (a search page
    records a search that found nothing): no transaction around its statements, each round
    trip its own, so no BEGIN or COMMIT. A search's statements are sent together
    (app.core.fixed) or in a transaction of their own where they need one
    (fixed.own_transaction). All-different near searches at a million entries, alternating
    in process: 0.2-0.8 ms less Python and 0.15-0.4 ms less PostgreSQL a search (of 3.5-4.2
    and 1.9-2.4)."""
    with Session(_reading_engine()) as session:
        yield session
        if session.new or session.dirty or session.deleted:
            session.flush()  # written as it is sent


async def get_session_factory() -> SessionFactory:
    """FastAPI dependency for async handlers that read, opening the request's session where
    they do their database work (the API search and the search page: on the event loop):
    FastAPI runs a sync dependency's setup and teardown in a thread each, so `get_session`
    costs a sync handler three hops."""
    return reading_session


def database_is_ready(session: Session) -> bool:
    session.execute(text("SELECT 1"))
    return True
