"""What a piece of code sends to the database, for tests that check the SQL itself."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session


@contextmanager
def sent_statements(session: Session) -> Iterator[list[str]]:
    """Every statement sent through the session's engine while the block runs, in order."""
    sent: list[str] = []

    def keep(conn: object, cursor: object, statement: str, *args: object) -> None:
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)
