"""Fixed statements on the driver's cursor give the rows SQLAlchemy's execution gives: enums
as members, arrays as lists, geometries as elements, constants and values bound."""

from typing import Any

import pytest
from sqlalchemy import (
    ARRAY,
    Engine,
    Float,
    Integer,
    any_,
    bindparam,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.exc import DataError, OperationalError
from sqlmodel import Session, col

from app.assets.models import Asset, AssetKind, AssetStatus, Schedule
from app.core.fixed import fix, run_together
from app.core.geo import latlon_from_pair, latlon_of, point_pair
from app.venues.models import Venue
from tests.statements import sent_statements

IDS = bindparam("ids", type_=ARRAY(Integer))


def _both(session: Session, statement: Any, **values: Any) -> tuple[list[Any], list[Any]]:
    fixed = fix(statement, session.get_bind().dialect)
    return fixed.run(session, **values), [tuple(r) for r in session.execute(statement, values)]


def test_a_fixed_statement_reads_what_sqlalchemy_reads(session: Session) -> None:
    ids = list(session.scalars(select(col(Schedule.id)).order_by(col(Schedule.id)).limit(50)))
    columns = list(Schedule.__table__.columns)  # type: ignore[attr-defined]
    statement = select(*columns, literal("a constant")).where(col(Schedule.id) == any_(IDS))
    fixed_rows, orm_rows = _both(session, statement.order_by(col(Schedule.id)), ids=ids)
    assert len(fixed_rows) == len(ids) > 10
    assert fixed_rows == orm_rows
    frequency = [c.name for c in columns].index("frequency")
    pairs = zip(fixed_rows, orm_rows, strict=True)
    assert all(type(r[frequency]) is type(o[frequency]) for r, o in pairs)
    assert fixed_rows[0][-1] == "a constant"


def test_enum_and_geometry_columns_are_converted_like_sqlalchemy(session: Session) -> None:
    statement = (
        select(col(Asset.id), col(Asset.kind), col(Asset.status), col(Venue.location))
        .join(Venue, col(Venue.id) == col(Asset.venue_id))
        .order_by(col(Asset.id))
        .limit(20)
    )
    fixed_rows, orm_rows = _both(session, statement)
    assert len(fixed_rows) == 20
    for fixed_row, orm_row in zip(fixed_rows, orm_rows, strict=True):
        assert fixed_row[:3] == orm_row[:3]
        assert type(fixed_row[1]) is type(orm_row[1])  # the enum's member, not its text
        assert latlon_of(fixed_row[3]) == latlon_of(orm_row[3])


def test_in_lists_enums_and_numbers_are_bound_and_read_like_sqlalchemy(session: Session) -> None:
    """A search's statement: IN lists of enum members (expanded, bound by name), a distance
    in double precision, a parameter left for each run."""
    origin = func.ST_Transform(
        func.ST_SetSRID(func.ST_MakePoint(bindparam("lon", type_=Float()), -2.0), 4326), 27700
    )
    statement = (
        select(col(Asset.id), func.ST_Distance(col(Asset.grid), origin), func.count().over())
        .where(
            col(Asset.kind).in_([AssetKind.meeting, AssetKind.bumping_space]),
            col(Asset.status).in_([AssetStatus.published]),
            col(Asset.grid).is_not(None),
        )
        .order_by(col(Asset.id))
        .limit(15)
    )
    fixed = fix(statement, session.get_bind().dialect)
    assert "lon" not in fixed.constants
    assert {"published", "meeting", "bumping_space"} <= set(fixed.constants.values())
    fixed_rows, orm_rows = _both(session, statement, lon=-2.05)
    assert len(fixed_rows) == 15
    assert fixed_rows == orm_rows
    assert all(type(r[1]) is float and type(r[2]) is int for r in fixed_rows)


def test_a_point_read_as_a_pair_is_the_point(session: Session) -> None:
    statement = select(col(Venue.location), point_pair(col(Venue.location))).limit(20)
    rows = fix(statement, session.get_bind().dialect).run(session)
    assert len(rows) == 20
    for element, pair in rows:
        expected, read = latlon_of(element), latlon_from_pair(pair)
        assert abs(expected.latitude - read.latitude) < 1e-9
        assert abs(expected.longitude - read.longitude) < 1e-9
        assert latlon_of(read) is read


def test_the_engine_listeners_see_a_fixed_statement(session: Session) -> None:
    """What tracing, the tests that read SQL and the benchmark's raw-SQL floor rely on."""
    fixed = fix(select(col(Schedule.id)).where(col(Schedule.id) == any_(IDS)),
                session.get_bind().dialect)  # fmt: skip
    with sent_statements(session) as sent:
        fixed.run(session, ids=[1, 2])
    assert sent[-1:] == [fixed.sql]  # after the test session's savepoint


@pytest.mark.parametrize("plan_once", [False, True])
def test_a_fixed_statement_fails_as_sqlalchemy_fails(session: Session, plan_once: bool) -> None:
    """Its errors are SQLAlchemy's classes, which the app's handlers answer (a lost database:
    503; a value out of range: 422), not the driver's."""
    fixed = fix(select(literal_column("1 / 0")), session.get_bind().dialect)
    with pytest.raises(DataError) as raised:
        fixed.run(session, plan_once=plan_once)
    assert "division by zero" in str(raised.value.orig)


def test_a_lost_connection_is_the_apps_503_error_and_leaves_the_pool(engine: Engine) -> None:
    fixed = fix(select(literal(1)), engine.dialect)
    with Session(engine) as lost:
        pid = lost.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(OperationalError):
            fixed.run(lost)
        assert lost.connection().invalidated


def test_statements_sent_together_each_give_their_rows(session: Session) -> None:
    ids = list(session.scalars(select(col(Asset.id)).order_by(col(Asset.id)).limit(30)))
    dialect = session.get_bind().dialect
    entries = fix(select(col(Asset.id), col(Asset.kind)).where(col(Asset.id) == any_(IDS)), dialect)
    schedules = fix(select(col(Schedule.asset_id)).where(col(Schedule.asset_id) == any_(IDS)),
                    dialect)  # fmt: skip
    with sent_statements(session) as sent:
        together = run_together(
            session, [(entries, {"ids": ids}), (schedules, {"ids": ids})], plan_once=True,
            settings={"enable_sort": "off"},
        )  # fmt: skip
    assert sent == [
        "SET LOCAL plan_cache_mode = auto", "SET LOCAL enable_sort = off",
        entries.sql, schedules.sql,
        "SET LOCAL plan_cache_mode = DEFAULT", "SET LOCAL enable_sort = DEFAULT",
    ]  # fmt: skip
    assert session.execute(text("SHOW enable_sort")).scalar_one() == "on"
    assert together == [entries.run(session, ids=ids), schedules.run(session, ids=ids)]
    assert sorted(r[0] for r in together[0]) == ids


def _setting(session: Session) -> str:
    return str(session.execute(text("SHOW plan_cache_mode")).scalar_one())


def test_planned_once_a_statement_keeps_one_plan_and_others_are_still_planned_each_time(
    session: Session,
) -> None:
    """After PostgreSQL's five trial plans, a fixed statement run with plan_once is run on one
    plan for the connection; the connection's own setting (every statement planned for its
    values, app.core.db) holds for the statements after it."""
    own = _setting(session)
    assert own == "force_custom_plan"
    marked = select(col(Schedule.id), literal_column("'planned-once'")).where(
        col(Schedule.asset_id) == any_(IDS)
    )
    fixed = fix(marked, session.get_bind().dialect)
    # Ten ids: a generic plan takes an array parameter to hold ten, so it costs what each
    # custom plan does and PostgreSQL takes it after five. With five the custom plans were
    # cheaper by a margin that turned on the table's dead rows from other tests' rolled-back
    # inserts, and the test failed in some full runs.
    ids = list(session.scalars(select(col(Asset.id)).order_by(col(Asset.id)).limit(10)))
    assert len(ids) == 10
    for _ in range(7):
        fixed.run(session, plan_once=True, ids=ids)
        assert _setting(session) == own
    generic, custom = session.execute(
        text("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
             " WHERE statement LIKE '%planned-once%'")
    ).one()  # fmt: skip
    assert generic >= 1
    assert custom <= 5


def test_a_statement_planned_once_for_every_value_has_its_own_values_written_in(
    session: Session,
) -> None:
    """Its one plan sees the statement's own values (a kind, a limit) as a plan made for each
    run would; the caller's are parameters; it is sent last, on a generic plan, and the
    connection plans the statements after it for their values again."""
    statement = (
        select(col(Asset.id))
        .where(col(Asset.kind).in_([AssetKind.meeting]), col(Asset.id) > bindparam("after"))
        .order_by(col(Asset.id))
        .limit(5)
        .execution_options(planned_once=True)
    )
    fixed = fix(statement, session.get_bind().dialect)
    assert fixed.planned_once and fixed.constants == {}
    assert "'meeting'" in fixed.sql and "LIMIT 5" in fixed.sql and "%(after)s" in fixed.sql
    plain = fix(statement.execution_options(planned_once=False), session.get_bind().dialect)
    session.connection()  # the test's savepoint
    with sent_statements(session) as sent:
        (rows,) = run_together(session, [(fixed, {"after": 0})], plan_once=False)
    assert rows == plain.run(session, after=0) and len(rows) == 5
    assert sent == [
        "SET LOCAL plan_cache_mode = force_generic_plan", fixed.sql,
        "SET LOCAL plan_cache_mode = DEFAULT",
    ]  # fmt: skip
    assert _setting(session) == "force_custom_plan"
