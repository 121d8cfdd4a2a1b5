"""A large import keeps the planner's statistics up with the rows it writes: analysed once it
has written as many entries as there were (at least a batch), then each time they double."""

from sqlalchemy import text
from sqlmodel import Session

from app.assets.service import create_assets
from app.imports.statistics import GROWN_BY_IMPORTS, GrowingTables
from tests.assets.test_service import make
from tests.statements import sent_statements


def _planner_rows(session: Session, table: str) -> float:
    return float(
        session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table}
        )  # fmt: skip
        or 0
    )


def test_the_tables_are_analysed_as_they_double(session: Session) -> None:
    tables = GrowingTables(next_at=200)
    with sent_statements(session) as sent:
        for entries in (150, 49, 1, 100, 99, 1):  # 150, 199, 200, 300, 399, 400 written
            tables.wrote(session, entries)
    analysed = [s for s in sent if s.startswith("ANALYZE")]
    assert analysed == [f"ANALYZE {t}" for t in GROWN_BY_IMPORTS] * 2  # at 200 and at 400
    assert tables.next_at == 800


def test_the_statistics_count_what_the_import_has_written(session: Session) -> None:
    """The import's own rows, not yet committed, are what ANALYZE counts: the planner stops
    taking a table that is filling up for an empty one."""
    tables = GrowingTables.at_start(session, first_after=1)
    before = _planner_rows(session, "asset")
    new = create_assets(session, data=[make(external_id=f"stats-{i}") for i in range(60)])
    session.flush()
    tables.wrote(session, max(len(new), tables.next_at))
    assert _planner_rows(session, "asset") >= before + 60
    # Statistics are written in place, not rolled back: count the test's rows out again.
    session.execute(text("DELETE FROM asset WHERE external_id LIKE 'stats-%'"))
    session.execute(text("ANALYZE asset"))
