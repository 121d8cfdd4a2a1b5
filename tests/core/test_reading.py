"""A reading session (the API search's and the search page's) has no transaction around its
statements: it finds what a session with one finds, its settings end with the statements they
are for, server-side cursors and settings over several round trips get a transaction of their
own, and its connection goes back to the pool as it came."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, delete, select, text
from sqlmodel import Session, col

from app.assets import soonest
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core.db import reading_session
from app.core.fixed import own_transaction, reads_alone
from app.mapping.demand import record_empty_search
from app.mapping.models import EmptySearch
from app.places.models import Place
from tests.searches import MIDWEEK_NOON, OLDBURY
from tests.statements import sent_statements

SHAPES: dict[str, dict[str, Any]] = {
    "nearest first, counted": {"near": OLDBURY, "radius": 3},
    "soonest first near a place": {"near": OLDBURY, "radius": 3, "sort": "next"},
    # Read in chunks from a server-side cursor, which lives in a transaction.
    "soonest first everywhere": {"kind": ["meeting"], "sort": "next"},
    "today, everywhere": {"when": "today"},
    "text and a kind": {"q": "recovery", "kind": ["meeting"]},
    "evenings near a place, step-free": {"near": OLDBURY, "radius": 5, "time": "evening",
                                         "access": ["step_free"]},
}  # fmt: skip


def _found(session: Session, given: dict[str, Any], **options: Any) -> tuple[Any, ...]:
    params = SearchParams.model_validate(given)
    result = search_assets(session, params=params, now=MIDWEEK_NOON, **options)
    kinds = sorted((k.value, n) for k, n in result.kind_counts.items())
    return [h.asset.id for h in result.hits], result.total, result.total_exact, kinds


@contextmanager
def _in_a_transaction(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


def _driver(session: Session) -> Any:
    """The session's psycopg connection."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return driver


@contextmanager
def _warnings(session: Session) -> Iterator[list[str]]:
    """The warnings the server sends back (a SET LOCAL outside a transaction: one a run)."""
    driver = _driver(session)
    said: list[str] = []

    def note(diagnostic: Any) -> None:
        if diagnostic.severity_nonlocalized == "WARNING":
            said.append(str(diagnostic.message_primary))

    driver.add_notice_handler(note)
    try:
        yield said
    finally:
        driver.remove_notice_handler(note)


def _settings(session: Session) -> tuple[str, str]:
    return (
        str(session.execute(text("SHOW enable_sort")).scalar_one()),
        str(session.execute(text("SHOW plan_cache_mode")).scalar_one()),
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("spans", [False, True], ids=["bounds", "week spans"])
def test_a_reading_session_finds_what_a_transaction_finds(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, shape: str, spans: bool
) -> None:
    if spans:  # soonest first near a place reads the week's spans (as with many matches)
        monkeypatch.setattr(soonest, "SPANS_FROM", -1)
    given = SHAPES[shape]
    with _in_a_transaction(engine) as session:
        expected = _found(session, given, facets=True)
        own = _settings(session)
    with reading_session() as session, _warnings(session) as warnings:
        assert reads_alone(session.connection())
        assert _found(session, given, facets=True) == expected
        assert _settings(session) == own, "settings end with their statements"
        status = _driver(session).info.transaction_status
    assert expected[0], "the demo data has matches"
    assert warnings == []
    assert status == TransactionStatus.IDLE


def test_just_outside_a_town_is_found_alike(engine: Engine) -> None:
    """Searches around a town are not kept: their settings go by settings_for, over several
    round trips, in a transaction of their own."""
    given = {"per_page": 10}
    with _in_a_transaction(engine) as session:
        town = session.scalars(select(Place).where(col(Place.slug) == "oldbury")).one()
        expected = _found(session, given, around=town)
    with reading_session() as session, _warnings(session) as warnings:
        town = session.scalars(select(Place).where(col(Place.slug) == "oldbury")).one()
        assert _found(session, given, around=town) == expected
    assert warnings == []


def test_a_transaction_of_its_own_ends_with_its_block_and_nests(engine: Engine) -> None:
    with reading_session() as session:
        driver = _driver(session)
        with own_transaction(session):
            assert driver.info.transaction_status == TransactionStatus.INTRANS
            assert not reads_alone(session.connection())
            with own_transaction(session):  # inside one already: nothing more
                session.execute(text("SELECT 1"))
            assert driver.info.transaction_status == TransactionStatus.INTRANS
        assert driver.info.transaction_status == TransactionStatus.IDLE
        with pytest.raises(RuntimeError):
            _fail_inside_own_transaction(session)
        assert driver.info.transaction_status == TransactionStatus.IDLE
        assert session.execute(text("SHOW enable_sort")).scalar_one() == "on"


def _fail_inside_own_transaction(session: Session) -> None:
    with own_transaction(session):
        session.execute(text("SET LOCAL enable_sort = off"))
        raise RuntimeError("the work failed")


def test_outside_a_reading_session_nothing_is_begun(session: Session) -> None:
    session.connection()  # the test's savepoint
    with sent_statements(session) as sent, own_transaction(session):
        session.execute(text("SELECT 1"))
    assert sent == ["SELECT 1"]


def test_what_a_reading_session_records_is_written(engine: Engine) -> None:
    params = SearchParams.model_validate({"q": "a reading session's test"})
    with reading_session() as session:
        recorded = record_empty_search(session, params=params, origin=None, town=None).id
    try:
        with Session(engine) as other:
            kept = other.get(EmptySearch, recorded)
            assert kept is not None and kept.filters["q"] == params.q
    finally:
        with Session(engine) as cleanup:
            cleanup.execute(delete(EmptySearch).where(col(EmptySearch.id) == recorded))
            cleanup.commit()


def test_the_connection_goes_back_to_the_pool_in_transactions() -> None:
    with reading_session() as session:
        driver = _driver(session)
        assert driver.autocommit is True
    assert driver.autocommit is False, "as the pool lends it to every other session"
