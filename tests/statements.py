"""What a piece of code sends to the database, for tests that check the SQL itself."""

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from sqlalchemy import event
from sqlmodel import Session

T = TypeVar("T")


@contextmanager
def _each_statement(session: Session, note: Callable[[str], T]) -> Iterator[list[T]]:
    noted: list[T] = []

    def keep(conn: object, cursor: object, statement: str, *args: object) -> None:
        noted.append(note(statement))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield noted
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def sent_statements(session: Session) -> AbstractContextManager[list[str]]:
    """Every statement sent through the session's engine while the block runs, in order."""
    return _each_statement(session, lambda statement: statement)


def sending_threads(session: Session) -> AbstractContextManager[list[int]]:
    """The thread each statement was sent from while the block runs, in order."""
    return _each_statement(session, lambda _: threading.get_ident())
