"""Fixed statements compiled once and run on the driver's own cursor.

A search answers with a page of entries read by two statements whose text never changes (only
their ids do). Through SQLAlchemy's execution each one cost more Python than PostgreSQL took to
run it: a cache-key lookup, a result object, 100 column descriptions and a converter call per
value and array element — with the rows, a fifth of a worker's time under all-different near
searches at a million entries. Here the statement is compiled once, the rows come from
psycopg's C loaders, and only the values psycopg does not already give as SQLAlchemy would are
converted (enums, geometries). Errors are raised as SQLAlchemy raises them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class FixedStatement:
    sql: str
    names: tuple[str, ...]  # the result's column names, in order
    constants: dict[str, Any]  # the statement's own bound values (literals in the select)
    converters: tuple[tuple[int, Converter], ...]  # (column index, what SQLAlchemy would apply)

    def run(self, session: Session, **values: Any) -> list[tuple[Any, ...]]:
        """Rows of the statement with `values` bound, in the session's transaction."""
        connection = session.connection()
        driver = connection.connection.driver_connection
        assert driver is not None  # a checked-out connection always has one
        parameters = {**self.constants, **values}
        with driver.cursor() as cursor:
            # The engine's listeners (tracing; the tests and the benchmark that read the SQL
            # sent) see it as they see every other statement.
            connection.dispatch.before_cursor_execute(
                connection, cursor, self.sql, parameters, None, False
            )
            driver_error = connection.dialect.loaded_dbapi.Error
            try:
                cursor.execute(self.sql, parameters)
                rows: list[tuple[Any, ...]] = cursor.fetchall()
            except driver_error as error:
                # As SQLAlchemy's own execution would: its exception classes (a lost database
                # is the app's 503, app.core.errors), and a lost connection out of the pool.
                lost = connection.dialect.is_disconnect(error, driver, cursor)
                if lost:
                    connection.invalidate(error)
                raise DBAPIError.instance(
                    self.sql, parameters, error, driver_error, connection_invalidated=lost
                ) from error
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            values_ = list(row)
            for i, convert in self.converters:
                if values_[i] is not None:
                    values_[i] = convert(values_[i])
            converted.append(tuple(values_))
        return converted


def fix(statement: Select[Any], dialect: Dialect) -> FixedStatement:
    """`statement` compiled for `dialect` (psycopg's named parameters), with the converters of
    its columns that change what psycopg returns."""
    compiled = statement.compile(dialect=dialect)
    converters = []
    for i, column in enumerate(statement.selected_columns):
        convert = _converter(column.type, dialect)
        if convert is not None:
            converters.append((i, convert))
    return FixedStatement(
        sql=str(compiled),
        names=tuple(statement.selected_columns.keys()),
        constants=dict(compiled.params),
        converters=tuple(converters),
    )


def _converter(type_: Any, dialect: Dialect) -> Converter | None:
    # psycopg returns arrays as lists of the element's Python type already: SQLAlchemy's array
    # converter only copies them, element by element, unless its elements need converting.
    if isinstance(type_, ARRAY) and type_.item_type._cached_result_processor(dialect, None) is None:
        return None
    processor: Converter | None = type_._cached_result_processor(dialect, None)
    return processor
