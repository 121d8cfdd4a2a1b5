"""Fixed statements compiled once and run on the driver's own cursor.

A search answers with a page of entries read by two statements whose text never changes (only
their ids do). Through SQLAlchemy's execution each one cost more Python than PostgreSQL took to
run it: a cache-key lookup, a result object, 100 column descriptions and a converter call per
value and array element — with the rows, a fifth of a worker's time under all-different near
searches at a million entries. Here the statement is compiled once, the rows come from
psycopg's C loaders, and only the values psycopg does not already give as SQLAlchemy would are
converted (enums, geometries). Statements are sent together in one round trip, a page's on
one plan per connection (run_together). Errors are raised as SQLAlchemy raises them."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from psycopg.pq import TransactionStatus
from sqlalchemy import ARRAY, Float, Numeric, Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ClauseElement
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session

Converter = Callable[[Any], Any]
Rows = list[tuple[Any, ...]]


@dataclass(frozen=True)
class FixedStatement:
    sql: str
    names: tuple[str, ...]  # the result's column names, in order
    constants: dict[str, Any]  # the statement's own bound values (literals in the select)
    converters: tuple[tuple[int, Converter], ...]  # (column index, what SQLAlchemy would apply)
    # One plan for every value it is run with, on each connection (its statement's
    # `planned_once` execution option): its own values written in, the caller's parameters,
    # run last in its pipeline under force_generic_plan (_in_order).
    planned_once: bool = False

    def run(
        self,
        session: Session,
        *,
        plan_once: bool = False,
        settings: Mapping[str, str] | None = None,
        **values: Any,
    ) -> Rows:
        """Rows of the statement with `values` bound, in the session's transaction (see
        run_together for `plan_once` and `settings`)."""
        return run_together(session, [(self, values)], plan_once=plan_once, settings=settings)[0]

    def converted(self, rows: Rows) -> Rows:
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for i, convert in self.converters:
                if values[i] is not None:
                    values[i] = convert(values[i])
            converted.append(tuple(values))
        return converted


# A fixed statement's plan is the same whatever its ids (index probes by key), and planning
# the entries' four joins cost PostgreSQL more than running them: 0.21 of 0.35 ms a page at a
# million entries. Connections plan each statement for its values (app.core.db: searches'
# plans depend on them), so a run made once for all is asked for in the transaction around it.
_PLAN_ONCE = {"plan_cache_mode": "auto"}
# One plan for every value, whatever each costs (FixedStatement.planned_once).
_GENERIC = {"plan_cache_mode": "force_generic_plan"}


def setting(name: str, value: str) -> str:
    """A setting for the rest of the transaction (`value` DEFAULT: the connection's own);
    names and values are the code's, never input."""
    return f"SET LOCAL {name} = {value}"


def _local(name: str, value: str) -> str:
    """A setting until a pipeline's end, in a session that reads without a transaction (see
    reads_alone): the statements before its Sync are one transaction, but SET LOCAL outside
    an explicit one logs a warning in the server's log at every run; set_config does not."""
    return f"SELECT set_config('{name}', '{value}', true)"


def reads_alone(connection: Connection) -> bool:
    """Whether the session reads without a transaction around its statements, each round trip
    its own (app.core.db.reading_session), and is not in one of its own now."""
    driver = connection.connection.driver_connection
    return bool(
        driver is not None
        and driver.autocommit
        and driver.info.transaction_status == TransactionStatus.IDLE
    )


@contextmanager
def own_transaction(session: Session) -> Iterator[None]:
    """The statements inside in one transaction, also in a session that reads without one
    (settings for several round trips, a server-side cursor); nothing in any other session."""
    connection = session.connection()
    if not reads_alone(connection):
        yield
        return
    connection.exec_driver_sql("BEGIN")
    try:
        yield
    except BaseException:
        connection.exec_driver_sql("ROLLBACK")
        raise
    connection.exec_driver_sql("COMMIT")


@contextmanager
def settings_for(session: Session, settings: Mapping[str, str]) -> Iterator[None]:
    """`settings` for the statements run inside, the connection's own again after them."""
    if not settings:
        yield
        return
    with own_transaction(session):
        connection = session.connection()
        for name, value in settings.items():
            connection.exec_driver_sql(setting(name, value))
        try:
            yield
        finally:
            for name in settings:
                connection.exec_driver_sql(setting(name, "DEFAULT"))


def run_together(
    session: Session,
    runs: Sequence[tuple[FixedStatement, dict[str, Any]]],
    *,
    plan_once: bool,
    settings: Mapping[str, str] | None = None,
) -> list[Rows]:
    """Each statement's rows, the statements sent together (psycopg's pipeline: one round trip)
    in the session's transaction. With `plan_once` they are prepared and PostgreSQL keeps one
    plan for every run on the connection after its first five: for a page's few ids, not a
    feed's thousands (a plan made for 20 probes is not the best for 10,000). `settings` hold
    for these statements alone, sent in the same round trip (as settings_for)."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None  # a checked-out connection always has one
    driver_error = connection.dialect.loaded_dbapi.Error
    sent = [(fixed, {**fixed.constants, **values}) for fixed, values in runs]
    messages = _in_order(sent, plan_once, settings or {}, reads_alone(connection))
    cursors: list[Any] = []

    def send(sql: str, parameters: dict[str, Any] | None, prepare: bool | None) -> Any:
        cursor = driver.cursor()
        cursors.append(cursor)
        # The engine's listeners (tracing; the tests and the benchmark that read the SQL sent)
        # see it as they see every other statement.
        connection.dispatch.before_cursor_execute(connection, cursor, sql, parameters, None, False)
        return cursor.execute(sql, parameters, prepare=prepare)

    try:
        with driver.pipeline():
            each = [(send(sql, values, prepare), read) for sql, values, prepare, read in messages]
        rows = [cursor.fetchall() for cursor, read in each if read]
    except driver_error as error:
        # As SQLAlchemy's own execution would: its exception classes (a lost database is the
        # app's 503, app.core.errors), and a lost connection out of the pool.
        lost = connection.dialect.is_disconnect(error, driver, None)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(
            ";\n".join(fixed.sql for fixed, _ in sent), [p for _, p in sent], error,
            driver_error, connection_invalidated=lost,
        ) from error  # fmt: skip
    finally:
        for cursor in cursors:
            cursor.close()
    return [fixed.converted(r) for (fixed, _), r in zip(sent, rows, strict=True)]


Message = tuple[str, dict[str, Any] | None, bool | None, bool]  # sql, values, prepare, read


def _in_order(
    sent: Sequence[tuple[FixedStatement, dict[str, Any]]],
    plan_once: bool,
    settings: Mapping[str, str],
    alone: bool,
) -> list[Message]:
    """What a pipeline sends, in order: the settings, the statements, the settings undone (in a
    transaction; a pipeline read alone is a transaction of its own, which ends them). A
    statement planned once for every value (FixedStatement.planned_once) goes last, right
    after the setting that says so: PostgreSQL's own choice (auto) planned it for each value,
    its plan estimated cheaper for a known point, though it is the same plan."""
    generic = bool(sent) and sent[-1][0].planned_once
    assert not any(fixed.planned_once for fixed, _ in sent[:-1]), "planned once: last"
    assert not (generic and plan_once), "one plan for every value, or for a page's ids"
    around = {**(_PLAN_ONCE if plan_once else {}), **settings}

    def set_(items: Mapping[str, str]) -> list[Message]:
        return [(_local(n, v) if alone else setting(n, v), None, None, False)
                for n, v in items.items()]  # fmt: skip

    def undo(items: Mapping[str, str]) -> list[Message]:
        return [] if alone else [(setting(n, "DEFAULT"), None, None, False) for n in items]

    prepare = True if plan_once else None
    statements: list[Message] = [(fixed.sql, values, prepare, True) for fixed, values in sent]
    if generic:
        sql, values, _, _ = statements.pop()
        statements += [*set_(_GENERIC), (sql, values, True, True), *undo(_GENERIC)]
    return [*set_(around), *statements, *undo(around)]


def fix(statement: ClauseElement, dialect: Dialect) -> FixedStatement:
    """`statement` compiled for `dialect` (psycopg's named parameters), with the converters of
    its columns that change what psycopg returns. IN lists are expanded to one parameter per
    value, as SQLAlchemy's execution expands them, and every bound value the statement holds
    is processed as SQLAlchemy would (enums to their names); parameters left without a value
    (`bindparam("ids")`) are the caller's to give at each run."""
    options = statement.get_execution_options() if isinstance(statement, Executable) else {}
    planned_once = bool(options.get("planned_once"))
    compiled = cast(
        SQLCompiler,
        (_values_written_in(statement) if planned_once else statement).compile(dialect=dialect),
    )
    expanded = compiled.construct_expanded_state(compiled.construct_params(_check=False))
    processors = {**compiled._bind_processors, **expanded.processors}
    constants = {}
    for name, value in expanded.parameters.items():
        bind = compiled.binds.get(name)
        if value is None and bind is not None and bind.required:
            continue  # the caller's, at each run
        process = processors.get(name)
        constants[name] = process(value) if callable(process) else value
    columns = statement.selected_columns if isinstance(statement, Select) else None
    converters = []
    for i, column in enumerate(columns or ()):
        convert = _converter(column.type, dialect)
        if convert is not None:
            converters.append((i, convert))
    return FixedStatement(
        sql=expanded.statement,
        names=tuple(columns.keys()) if columns is not None else (),
        constants=constants,
        converters=tuple(converters),
        planned_once=planned_once,
    )


def _values_written_in(statement: ClauseElement) -> ClauseElement:
    """A statement planned once for every value (FixedStatement.planned_once) with its own
    values written into it, the caller's left as parameters: a plan for any value then sees
    what a plan for each would of the statement's own (a kind's partial index, the radius,
    the limit). With them as parameters the plain near walk's one plan fitted any kind and
    read the whole index: 312 ms a search, where 0.3 was planned for each."""

    def written(element: Any, **kw: Any) -> Any:
        if isinstance(element, BindParameter) and not element.required:
            return element.render_literal_execute()
        return None

    return cast(ClauseElement, replacement_traverse(statement, {}, written))


_DOUBLE, _NUMERIC = 701, 1700  # PostgreSQL's type oids


def _converter(type_: Any, dialect: Dialect) -> Converter | None:
    # psycopg returns arrays as lists of the element's Python type already: SQLAlchemy's array
    # converter only copies them, element by element, unless its elements need converting.
    if isinstance(type_, ARRAY) and type_.item_type._cached_result_processor(dialect, None) is None:
        return None
    # Numbers are converted by what PostgreSQL sends (SQLAlchemy asks the cursor): a Float
    # is a double precision, any other Numeric a numeric.
    sent = _DOUBLE if isinstance(type_, Float) else _NUMERIC if isinstance(type_, Numeric) else None
    processor: Converter | None = type_._cached_result_processor(dialect, sent)
    return processor
