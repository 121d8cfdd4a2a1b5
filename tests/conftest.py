"""Real PostgreSQL + PostGIS: a test database migrated and seeded once per run; each test runs
inside a transaction that is rolled back."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from app.core.config import Settings


def _test_database_url() -> str:
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        return explicit
    url = make_url(Settings().database_url)
    return url.set(database=f"{url.database}_test").render_as_string(hide_password=False)


def _ensure_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


TEST_DATABASE_URL = _test_database_url()
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["ENV"] = "test"
# Tests edit and read back at once; tests/feeds/test_cache.py covers the one-second memo.
os.environ["DATA_VERSION_TTL_S"] = "0"

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.accounts.models import Role  # noqa: E402
from app.core.config import get_settings  # noqa: E402
from app.core.db import get_engine, get_session, get_session_factory  # noqa: E402
from app.core.migrations import upgrade  # noqa: E402
from app.main import create_app  # noqa: E402

get_settings.cache_clear()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    _ensure_database(TEST_DATABASE_URL)
    upgrade(TEST_DATABASE_URL)
    from app.seed import seed_all

    engine = get_engine()
    with Session(engine) as session:
        seed_all(session)
        session.commit()
    # Every run's rolled-back writes (a synthetic load of 400 entries among them) leave index
    # pages behind, and over the demo's few rows the planner chooses between indexes by their
    # size: one kind's index, grown past the index of all kinds, lost a plan test. Each run
    # starts from rebuilt indexes and fresh statistics (0.4 s).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as settle:
        for table in ("asset", "schedule", "week_span", "venue"):
            settle.execute(text(f"REINDEX TABLE {table}"))
        settle.execute(text("VACUUM ANALYZE"))
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def no_shapes_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no search shapes kept (app.assets.statements): what a shape's
    last search saw (Made.many) is not carried from one test into the next."""
    from app.assets import statements

    monkeypatch.setattr(statements, "_SHAPES", statements._Kept())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()

    @contextmanager
    def _sessions() -> Iterator[Session]:
        yield session
        session.commit()  # releases a savepoint; the outer transaction still rolls back

    def _session() -> Iterator[Session]:
        with _sessions() as same:
            yield same

    app.dependency_overrides[get_session] = _session
    app.dependency_overrides[get_session_factory] = lambda: _sessions
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def signed_in(client: TestClient, session: Session) -> Callable[[Role], str]:
    """Sign the test client in with a new account of a role; returns its CSRF token."""
    from tests.signin import sign_in

    return lambda role: sign_in(client, session, role)
