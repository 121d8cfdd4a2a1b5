"""Reading a page of a search and counting its matches: exact up to a cap, the planner's
estimate past it, nearest-first pages from the KNN index.

Pages and counts select columns, never entries: they run on the session's connection, without
the ORM's execution layer (~35 µs a statement, of a near search's page's ~115)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlmodel import Session

from app.core.explain import estimated_rows

# Totals are counted exactly up to here; past it, a page says "about N" (the planner's
# estimate): counting 100,000 matches to print one number would cost more than the page.
EXACT_COUNT_UP_TO = 500
# Above this many expected matches the planner's estimate is taken without counting: only an
# estimate four times the truth would hide a countable total. Near searches, the commonest,
# are estimated within a few per cent (4,016 expected and counted around B69); the
# estimates that go wrong are low ones (a schedule test: 162 for 3,030), and those are counted.
TRUST_ESTIMATE_ABOVE = 4 * EXACT_COUNT_UP_TO


@dataclass
class SearchQuery:
    stmt: Select[Any]
    computed: bool  # ordered by computed occurrences (sort=next)
    # How the capped count walks the matches: nearest first for a place (a KNN index scan
    # that stops at the cap), in no order otherwise.
    count_order: list[Any] = field(default_factory=list)
    knn: bool = False  # nearest first from the index; ties put in id order afterwards
    order: list[Any] = field(default_factory=list)  # the page's order
    # Implied conditions that let a walk nearest first use a smaller index (filters.day_walk).
    walk_hint: list[Any] = field(default_factory=list)
    keyed: bool = False  # the area keys find the matches (app.assets.area): few of them

    @property
    def counted(self) -> Select[Any]:
        """The matches in the order the capped count walks them."""
        return self.stmt.order_by(None).order_by(*self.count_order)


TIE_MARGIN = 50


def page(query: SearchQuery, offset: int, per_page: int) -> Select[Any]:
    """One page. Nearest-first pages come from the KNN index scan, which allows no second
    sort key; entries at the same venue are equally far, so the scan reads a margin past the
    page and the page is cut from those rows in (distance, id) order: stable across pages."""
    if not query.knn:
        return query.stmt.limit(per_page).offset(offset)
    near = query.stmt.limit(offset + per_page + TIE_MARGIN).subquery()
    return (
        select(near.c.id, near.c.distance_m)
        .order_by(near.c.distance_m, near.c.id)
        .offset(offset)
        .limit(per_page)
    )


def page_counted(
    session: Session, query: SearchQuery, offset: int, per_page: int
) -> tuple[Sequence[Any], tuple[int, bool]]:
    """One page and (total, exact): exact up to EXACT_COUNT_UP_TO, else the planner's estimate.
    When the planner expects far more matches than that, only the page is read: the capped
    count of a common word walked 37,000 entries to find 501 (70 ms at a million entries),
    the page 1,500."""
    rows: Sequence[Any]
    estimate = estimated_rows(session, query.counted)
    if estimate > TRUST_ESTIMATE_ABOVE:
        rows = session.connection().execute(page(query, offset, per_page)).all()
        return rows, (max(estimate, offset + len(rows)), False)
    both = _page_and_count(session, query, offset, per_page)
    if both is None:
        rows = session.connection().execute(page(query, offset, per_page)).all()
        counted = capped_count(session, query)
    else:
        rows, counted = both
    if counted <= EXACT_COUNT_UP_TO:
        return rows, (counted, True)
    return rows, (max(counted, estimate), False)


def _page_and_count(
    session: Session, query: SearchQuery, offset: int, per_page: int
) -> tuple[list[tuple[Any, ...]], int] | None:
    """The page and the capped count from one walk of the matches: the first 501 in the
    page's order, counted by a window over them, the page cut from them (the page and the
    count each walked the matches, probing schedules or venues per entry). Nearest first,
    the 501 come from the KNN index and the page is cut in (distance, id) order (see page).
    None for pages past the first 501, and for an empty page after the first."""
    margin = TIE_MARGIN if query.knn else 0
    if offset + per_page + margin > EXACT_COUNT_UP_TO:
        return None
    if query.knn:
        first = query.stmt.where(*query.walk_hint).limit(EXACT_COUNT_UP_TO + 1).subquery()
        columns, order = [first.c.id, first.c.distance_m], [first.c.distance_m, first.c.id]
    else:
        numbered = query.stmt.add_columns(func.row_number().over(order_by=query.order).label("n"))
        first = numbered.limit(EXACT_COUNT_UP_TO + 1).subquery()
        columns, order = [c for c in first.c if c.name != "n"], [first.c.n]
    walk = select(*columns, func.count().over()).order_by(*order).offset(offset).limit(per_page)
    with _nearest_first(session, query.knn):
        rows = session.connection().execute(walk).all()
    if not rows:
        return ([], 0) if offset == 0 else None
    return [tuple(r[:-1]) for r in rows], int(rows[0][-1])


def capped_count(session: Session, query: SearchQuery) -> int:
    """How many matches there are, counted up to EXACT_COUNT_UP_TO + 1."""
    walks_nearest = bool(query.count_order)
    counted = query.counted.where(*query.walk_hint) if walks_nearest else query.counted
    capped = counted.limit(EXACT_COUNT_UP_TO + 1).subquery()
    with _nearest_first(session, walks_nearest):
        return session.connection().scalar(select(func.count()).select_from(capped)) or 0


@contextmanager
def _nearest_first(session: Session, walks_nearest: bool) -> Iterator[None]:
    """Walking the first 501 nearest first uses the KNN index and stops there; but the planner
    underestimates how many entries pass a schedule test (15% where 92% did, for when=today)
    and, expecting fewer than 501, sorted every entry of the area instead (30 ms against 4 ms
    at a million). For such a walk sorting is turned off, for that one statement."""
    if not walks_nearest:
        yield
        return
    session.execute(text("SET LOCAL enable_sort = off"))
    try:
        yield
    finally:
        session.execute(text("SET LOCAL enable_sort = on"))
