"""Reading a page of a search and counting its matches: exact up to a cap, the planner's
estimate past it, nearest-first pages from the KNN index.

Pages and counts select columns, never entries: they run on the session's connection, without
the ORM's execution layer (~35 µs a statement, of a near search's page's ~115), and those a
shape's searches share on the driver's cursor (Made.rows)."""

import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlmodel import Session

from app.core.explain import ExplainJson, estimated_rows
from app.core.fixed import FixedStatement, fix, settings_for

# Totals are counted exactly up to here; past it, a page says "about N" (the planner's
# estimate): counting 100,000 matches to print one number would cost more than the page.
EXACT_COUNT_UP_TO = 500
# Above this many expected matches the planner's estimate is taken without counting: only an
# estimate four times the truth would hide a countable total. The estimates that go wrong
# are low ones (a schedule test: 162 for 3,030; a distance test: 975 for 2,508), and those
# are counted. when=now and today are estimated without their schedule test, near searches
# without their distance test (SearchQuery.estimated).
TRUST_ESTIMATE_ABOVE = 4 * EXACT_COUNT_UP_TO
CIRCLE_IN_SQUARE = math.pi / 4


class Made:
    """Statements made from a search's, kept with it to be run again: SQLAlchemy keeps a
    statement's cache key on the statement, so one run again is not traversed again (a near
    search's statement cost ~0.1 ms of Python to traverse each time it was made anew)."""

    def __init__(self) -> None:
        self._made: dict[Hashable, Any] = {}
        # Whether every search of a shape shares these (app.assets.statements): then a kept
        # statement is also compiled once and run on the driver's cursor (app.core.fixed),
        # which cost 0.04 ms of Python a run where SQLAlchemy's execution of it cost 0.10.
        self.shared = False

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        made = self._made.get(key)
        if made is None:  # two threads may both make it: either is kept, both are the same
            made = self._made[key] = make()
        return made

    def rows(
        self,
        session: Session,
        statement: Any,
        values: dict[str, Any],
        key: Hashable = None,
        settings: dict[str, str] | None = None,
    ) -> Sequence[Any]:
        """The rows of `statement` run with `values`, under `settings` for it alone; `key`: the
        one it is kept under."""
        if key is None or not self.shared:
            with settings_for(session, settings or {}):
                return session.connection().execute(statement, values).all()
        fixed: FixedStatement = self.get(
            ("fixed", key), lambda: fix(statement, session.get_bind().dialect)
        )
        return fixed.run(session, settings=settings, **values)


@dataclass
class SearchQuery:
    stmt: Select[Any]
    computed: bool  # ordered by computed occurrences (sort=next)
    # The matches without the tests the planner cannot estimate (filters.time_probe), for
    # its estimate of how many there are (the search builds both).
    unprobed: Select[Any]
    # How the capped count walks the matches: nearest first for a place (a KNN index scan
    # that stops at the cap), in no order otherwise.
    count_order: list[Any] = field(default_factory=list)
    knn: bool = False  # nearest first from the index; ties put in id order afterwards
    order: list[Any] = field(default_factory=list)  # the page's order
    # Implied conditions that let a walk nearest first use a smaller index (filters.day_walk).
    walk_hint: list[Any] = field(default_factory=list)
    keyed: bool = False  # the area keys find the matches (app.assets.area): few of them
    # Around a postcode or point: it on the British National Grid, and the radius in metres.
    origin: Any = None
    radius_m: float = 0.0
    # The unprobed statement's matches are the statement's when their next occurrence starts
    # before this (filters.time_kept; None: they are the same).
    kept_before: datetime | None = None
    # Around a place, the unprobed matches without the distance test: the planner gives such
    # a test a third of the rows (a default), where a circle holds π/4 of its square, so near
    # searches were estimated 2.3–3.1 times too few (DY4 5 mi at a million: 10,731 for
    # 24,880). The square is estimated from the column's statistics, then scaled
    # (expected_matches).
    square: Select[Any] | None = None
    # The values of the statements' own parameters (the origin's coordinates: one statement
    # serves every point, app.assets.statements), passed to every run of them and of the
    # statements made from them.
    values: dict[str, Any] = field(default_factory=dict)
    # Statements made from these, kept to be run again (shared by the searches of one shape).
    made: Made = field(default_factory=Made, compare=False, repr=False)

    @property
    def estimated(self) -> Select[Any]:
        """What the planner is asked how many rows it expects of: the matches, maybe more
        (around a place, the square round the circle: see expected_matches)."""
        return (self.unprobed if self.square is None else self.square).order_by(None)

    @property
    def counted(self) -> Select[Any]:
        """The matches in the order the capped count walks them."""
        return cast(Select[Any], self.made.get("counted", self._counted))

    def _counted(self) -> Select[Any]:
        return self.stmt.order_by(None).order_by(*self.count_order)

    @property
    def walks_nearest(self) -> bool:
        """Whether capped walks over the matches go nearest first (around a place)."""
        return bool(self.count_order)

    @property
    def walked(self) -> Select[Any]:
        """The matches as capped walks read them: nearest first with the walk's hint around a
        place (the capped count, sort=next's first matches), as counted otherwise."""
        return self.counted.where(*self.walk_hint) if self.walks_nearest else self.counted


# A nearest-first page is cut from a walk this many entries past it (see page_rows). It was
# 50 until a page was read again when the walk ends among ties: the walk is most of the page's
# time in PostgreSQL (KNN probes), 0.52 ms a page at 70 entries read, 0.39 at 30.
TIE_MARGIN = 10
# Walks up to this long are read whole and the page cut from them here: 30 (id, distance) rows
# cost less to sort in Python than a statement around the walk cost to build, compile and run
# (0.14 ms of Python and ~0.04 of PostgreSQL a first page at a million entries). Longer walks
# (deep pages) are cut in PostgreSQL, so a page never brings thousands of rows here.
CUT_HERE_UP_TO = 100


def expected_matches(session: Session, query: SearchQuery) -> int:
    """How many matches the planner expects: of query.estimated, a circle's share of its
    square around a place."""
    explained = query.made.get("explained", lambda: ExplainJson(query.estimated))
    plan = query.made.rows(session, explained, query.values, "explained")[0][0]
    rows = estimated_rows(plan)
    return rows if query.square is None else round(rows * CIRCLE_IN_SQUARE)


def page(query: SearchQuery, offset: int, per_page: int, margin: int = TIE_MARGIN) -> Select[Any]:
    """One page. Nearest-first pages come from the KNN index scan, which allows no second
    sort key; entries at the same venue are equally far, so the scan reads `margin` past the
    page and the page is cut from those rows in (distance, id) order: stable across pages.
    Each row also says how many the scan read and the furthest (page_rows checks the cut)."""
    if not query.knn:
        return query.stmt.limit(per_page).offset(offset)
    near = query.stmt.limit(offset + per_page + margin).subquery()
    return (
        select(near.c.id, near.c.distance_m, *_walked(near.c.distance_m))
        .order_by(near.c.distance_m, near.c.id)
        .offset(offset)
        .limit(per_page)
    )


def page_rows(session: Session, query: SearchQuery, offset: int, per_page: int) -> Sequence[Any]:
    """One page's rows: (id, distance) nearest first. The cut is right when the scan read past
    every entry as far as the page's last; when it stopped among such entries (one venue's,
    more than the margin), the page is read again with ten times the margin."""
    if not query.knn:
        return session.connection().execute(page(query, offset, per_page), query.values).all()
    margin = TIE_MARGIN
    while True:
        rows, walked, furthest = _cut(session, query, offset, per_page, margin)
        if _cut_settled(rows, walked, furthest, offset + per_page + margin):
            return [(r[0], r[1]) for r in rows]
        margin *= 10


def _cut(
    session: Session, query: SearchQuery, offset: int, per_page: int, margin: int
) -> tuple[Sequence[Any], int, Any]:
    """A nearest-first page cut from a walk `margin` past it, with how many entries the walk
    read and the furthest of them."""
    limit = offset + per_page + margin
    if limit > CUT_HERE_UP_TO:
        cut = page(query, offset, per_page, margin)
        rows = session.connection().execute(cut, query.values).all()
        return (rows, *_walk_of(rows))
    key = ("nearest", limit)
    nearest = query.made.get(key, lambda: query.stmt.limit(limit))
    walk = sorted(query.made.rows(session, nearest, query.values, key), key=lambda r: (r[1], r[0]))
    return walk[offset : offset + per_page], len(walk), walk[-1][1] if walk else None


def _walked(distance: Any) -> list[Any]:
    return [func.count().over(), func.max(distance).over()]


def _walk_of(rows: Sequence[Any]) -> tuple[int, Any]:
    """How many the walk read and the furthest, from a page cut in PostgreSQL (see page)."""
    return (rows[0][-2], rows[0][-1]) if rows else (0, None)


def _cut_settled(rows: Sequence[Any], walked: int, furthest: Any, walk_limit: int) -> bool:
    """Whether a page cut from a walk holds every entry as near as its last: the walk ran
    out, or read one further."""
    if not rows:
        return True
    return bool(walked < walk_limit or furthest > rows[-1][1])


def page_counted(
    session: Session, query: SearchQuery, offset: int, per_page: int
) -> tuple[Sequence[Any], tuple[int, bool]]:
    """One page and (total, exact): exact up to EXACT_COUNT_UP_TO, else the planner's estimate.
    When the planner expects far more matches than that, only the page is read: the capped
    count of a common word walked 37,000 entries to find 501 (70 ms at a million entries),
    the page 1,500."""
    rows: Sequence[Any]
    estimate = expected_matches(session, query)
    if estimate > TRUST_ESTIMATE_ABOVE:
        rows = page_rows(session, query, offset, per_page)
        return rows, (max(estimate, offset + len(rows)), False)
    both = _page_and_count(session, query, offset, per_page)
    if both is None:
        rows = page_rows(session, query, offset, per_page)
        counted = capped_count(session, query)
    else:
        rows, counted = both
    return rows, _total(counted, estimate)


def counted(session: Session, query: SearchQuery, estimate: int | None = None) -> tuple[int, bool]:
    """How many match, (total, exact), as page_counted says it, without a page; `estimate`:
    expected_matches, when the caller has asked for it already."""
    estimate = expected_matches(session, query) if estimate is None else estimate
    if estimate > TRUST_ESTIMATE_ABOVE:
        return estimate, False
    return _total(capped_count(session, query), estimate)


def _total(counted: int, estimate: int) -> tuple[int, bool]:
    """Exact when the capped count stopped short of the cap, else the larger of the two."""
    if counted <= EXACT_COUNT_UP_TO:
        return counted, True
    return max(counted, estimate), False


def _page_and_count(
    session: Session, query: SearchQuery, offset: int, per_page: int
) -> tuple[list[tuple[Any, ...]], int] | None:
    """The page and the capped count from one walk of the matches: the first 501 in the
    page's order, counted by a window over them, the page cut from them (the page and the
    count each walked the matches, probing schedules or venues per entry). Nearest first,
    the 501 come from the KNN index and the page is cut in (distance, id) order (see page).
    None for pages past the first 501, for an empty page after the first, and for a page
    nearest first whose cut is not settled by the 501 (see page_rows)."""
    if offset + per_page > EXACT_COUNT_UP_TO:
        return None
    key: Hashable = None
    if offset == 0:  # first pages are kept (keyed by the cap too: the one made under)
        key = ("page and count", per_page, EXACT_COUNT_UP_TO)
        walk, width = query.made.get(key, lambda: _page_and_count_walk(query, 0, per_page))
    else:
        walk, width = _page_and_count_walk(query, offset, per_page)
    rows = query.made.rows(session, walk, query.values, key, walking_nearest(query.knn))
    if not rows:
        return ([], 0) if offset == 0 else None
    if query.knn and not _cut_settled(rows, *_walk_of(rows), EXACT_COUNT_UP_TO + 1):
        return None
    return [tuple(r[:width]) for r in rows], int(rows[0][width])


def _page_and_count_walk(query: SearchQuery, offset: int, per_page: int) -> tuple[Select[Any], int]:
    """_page_and_count's statement, and how many of its columns are the page's."""
    if query.knn:
        first = query.stmt.where(*query.walk_hint).limit(EXACT_COUNT_UP_TO + 1).subquery()
        columns, order = [first.c.id, first.c.distance_m], [first.c.distance_m, first.c.id]
        counts = _walked(first.c.distance_m)
    else:
        numbered = query.stmt.add_columns(func.row_number().over(order_by=query.order).label("n"))
        first = numbered.limit(EXACT_COUNT_UP_TO + 1).subquery()
        columns, order = [c for c in first.c if c.name != "n"], [first.c.n]
        counts = [func.count().over()]
    walk = select(*columns, *counts).order_by(*order).offset(offset).limit(per_page)
    return walk, len(columns)


def capped_count(session: Session, query: SearchQuery) -> int:
    """How many matches there are, counted up to EXACT_COUNT_UP_TO + 1."""
    key = ("capped count", EXACT_COUNT_UP_TO)
    count = query.made.get(key, lambda: _capped_count(query))
    nearest = walking_nearest(query.walks_nearest)
    return int(query.made.rows(session, count, query.values, key, nearest)[0][0])


def _capped_count(query: SearchQuery) -> Select[Any]:
    capped = query.walked.limit(EXACT_COUNT_UP_TO + 1).subquery()
    return select(func.count()).select_from(capped)


def walking_nearest(walks_nearest: bool) -> dict[str, str]:
    """Walking the first 501 nearest first uses the KNN index and stops there; but the planner
    underestimates how many entries pass a schedule test (15% where 92% did, for when=today)
    and, expecting fewer than 501, sorted every entry of the area instead (30 ms against 4 ms
    at a million). For such a walk sorting is turned off, for that one statement."""
    return {"enable_sort": "off"} if walks_nearest else {}


@contextmanager
def nearest_first(session: Session, walks_nearest: bool) -> Iterator[None]:
    """The statements run inside walk nearest first (see walking_nearest)."""
    with settings_for(session, walking_nearest(walks_nearest)):
        yield
