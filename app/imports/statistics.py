"""The planner's statistics kept up with a large import.

An import writes in one transaction, so other sessions never count its rows: an autovacuum
ANALYZE while it runs records the tables it is filling as empty ("one venue" while
thousands were written). The duplicate check then joined each batch of 200 records to every
venue by sequential scan (1,800 venues: 0.42 s a batch, growing with the table), and a
10,000-meeting import took 71–76 s instead of 20. So the tables an import grows are analysed
once it has written as many entries as they held when it began (at least a batch), and again
each time the entries it has written double: their statistics are never more than half
wrong. ANALYZE counts the rows this transaction has written."""

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

GROWN_BY_IMPORTS = ("asset", "venue", "schedule")
HELD = "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'asset'::regclass"


@dataclass
class GrowingTables:
    next_at: int  # entries written after which the tables are analysed again
    written: int = 0

    @classmethod
    def at_start(cls, session: Session, *, first_after: int) -> "GrowingTables":
        held = session.scalar(text(HELD))  # the planner's own figure; -1 if never analysed
        return cls(next_at=max(int(held or 0), first_after))

    def wrote(self, session: Session, entries: int) -> None:
        self.written += entries
        if self.written < self.next_at:
            return
        for table in GROWN_BY_IMPORTS:
            session.execute(text(f"ANALYZE {table}"))
        self.next_at = 2 * self.written
