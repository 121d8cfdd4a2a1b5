"""Reading a page of a search and counting its matches: exact up to a cap, the planner's
estimate past it, nearest-first pages from the KNN index.

Pages and counts select columns, never entries: they run on the session's connection, without
the ORM's execution layer (~35 µs a statement, of a near search's page's ~115), and those a
shape's searches share on the driver's cursor (app.assets.search_query.Made)."""

import math
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, func, select
from sqlmodel import Session

from app.assets.estimates import cell_of
from app.assets.light import entries_of, entry_columns, page_with_entries
from app.assets.search_query import SearchQuery
from app.core.explain import ExplainJson, estimated_rows
from app.core.fixed import settings_for
from app.core.geo import with_origin_once

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
    square around a place; asked once for the shape where it is (app.assets.estimates)."""
    cell, values = cell_of(query.values, query.radius_m)
    kept = query.made.estimates.get(cell)
    if kept is not None:
        return kept
    plan = query.made.rows(session, _explained(query), values, "explained")
    return query.made.estimates.keep(cell, _expected(query, plan))


def _explained(query: SearchQuery) -> ExplainJson:
    return cast(ExplainJson, query.made.get("explained", lambda: ExplainJson(query.estimated)))


def _expected(query: SearchQuery, plan: Sequence[Any]) -> int:
    rows = estimated_rows(plan[0][0])
    return rows if query.square is None else round(rows * CIRCLE_IN_SQUARE)


def _expected_and_first_page(
    session: Session, query: SearchQuery, per_page: int
) -> tuple[int, Sequence[Any] | None, dict[int, Any] | None]:
    """The estimate and the first page nearest first, in one round trip (None: the walk
    stopped among entries as far as the page's last; page_rows reads further), and for a
    plain walk (kinds at most) the page's entries read with it (app.assets.light). For a
    shape whose last search expected more than are counted: the page is then read whatever
    the estimate says, and reading it with the estimate saved a round trip (0.04-0.08 ms of
    Python and ~0.04 of PostgreSQL a distinct near search at a million entries). The
    estimate kept for where the search is, the page is read alone."""
    limit = per_page + TIE_MARGIN
    if query.plain:
        key: Hashable = ("first page with entries", limit, per_page)
        made = query.made.get(key, lambda: _first_page_with_entries(query, limit, per_page))
    else:
        key, made = ("nearest", limit), _nearest(query, limit)
    nearest = (made, key, query.values)
    cell, values = cell_of(query.values, query.radius_m)
    estimate = query.made.estimates.get(cell)
    if estimate is None:
        explained = (_explained(query), "explained", values)
        plan, walk = query.made.rows_together(session, [explained, nearest])
        estimate = query.made.estimates.keep(cell, _expected(query, plan))
    else:
        (walk,) = query.made.rows_together(session, [nearest])
    if not query.plain:
        rows, walked, furthest = _cut_from(walk, 0, per_page)
        settled = _cut_settled(rows, walked, furthest, limit)
        return estimate, [(r[0], r[1]) for r in rows] if settled else None, None
    pages = entries_of(session, walk, 4)
    rows = [lead for lead, _ in pages]
    if not _cut_settled(rows, *_walk_of(rows), limit):
        return estimate, None, None
    return estimate, [(r[0], r[1]) for r in rows], {e.id: e for _, e in pages}


def _first_page_with_entries(query: SearchQuery, limit: int, per_page: int) -> Select[Any]:
    """A plain walk's first page cut from `limit` nearest (as _cut_from cuts it, with how many
    the walk read and the furthest), with its entries; planned once for every point."""
    walk = query.stmt.add_columns(*entry_columns()).limit(limit).subquery()
    walked, furthest = _walked(walk.c.distance_m)
    cut = (
        select(*walk.c, walked.label("walked"), furthest.label("furthest"))
        .order_by(walk.c.distance_m, walk.c.id)
        .limit(per_page)
        .subquery()
    )
    order = [cut.c.distance_m, cut.c.id]
    leading = [cut.c.id, cut.c.distance_m, cut.c.walked, cut.c.furthest]
    with_entries = page_with_entries(cut, leading, order)
    return with_origin_once(with_entries).execution_options(planned_once=True)


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


def page_rows(
    session: Session, query: SearchQuery, offset: int, per_page: int, margin: int = TIE_MARGIN
) -> Sequence[Any]:
    """One page's rows: (id, distance) nearest first. The cut is right when the scan read past
    every entry as far as the page's last; when it stopped among such entries (one venue's,
    more than the margin), the page is read again with ten times the margin."""
    if not query.knn:
        return session.connection().execute(page(query, offset, per_page), query.values).all()
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
    walk = query.made.rows(session, _nearest(query, limit), query.values, ("nearest", limit))
    return _cut_from(walk, offset, per_page)


def _nearest(query: SearchQuery, limit: int) -> Select[Any]:
    """The first `limit` matches nearest first, kept. A plain near search's walk is planned
    once for every point (its origin worked out once a run: geo.with_origin_once): whatever
    the point, its plan is the KNN scan of its kind's index, and planning it for each point
    cost PostgreSQL 0.27-0.46 ms of a distinct near search's ~1.5."""

    def make() -> Select[Any]:
        walk = query.stmt.limit(limit)
        if not query.plain:
            return walk
        return with_origin_once(walk).execution_options(planned_once=True)

    return cast(Select[Any], query.made.get(("nearest", limit), make))


def _cut_from(walk: Sequence[Any], offset: int, per_page: int) -> tuple[Sequence[Any], int, Any]:
    """A page cut from a nearest-first walk in (distance, id) order, how many the walk read
    and the furthest."""
    ordered = sorted(walk, key=lambda r: (r[1], r[0]))
    return ordered[offset : offset + per_page], len(ordered), ordered[-1][1] if ordered else None


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


class CountedPage(NamedTuple):
    rows: Sequence[Any]  # (id[, distance]) in the page's order
    total: int
    exact: bool  # False: `total` is the planner's estimate (or more than the cap)
    entries: dict[int, Any] | None = None  # id → the page's entries, when read with it


def page_counted(session: Session, query: SearchQuery, offset: int, per_page: int) -> CountedPage:
    """One page and (total, exact): exact up to EXACT_COUNT_UP_TO, else the planner's estimate.
    When the planner expects far more matches than that, only the page is read: the capped
    count of a common word walked 37,000 entries to find 501 (70 ms at a million entries),
    the page 1,500."""
    rows: Sequence[Any]
    first: Sequence[Any] | None = None  # the first page, read with the estimate
    entries = None  # and its entries, read with it (a plain walk's)
    made = query.made
    with_first = made.many and made.shared and query.knn and offset == 0
    if with_first and per_page + TIE_MARGIN <= CUT_HERE_UP_TO:  # cut here (see _cut)
        estimate, first, entries = _expected_and_first_page(session, query, per_page)
    else:
        with_first, estimate = False, expected_matches(session, query)
    made.many = estimate > TRUST_ESTIMATE_ABOVE
    if estimate > TRUST_ESTIMATE_ABOVE:
        # A first page read with the estimate but not settled by its walk is read further.
        margin = 10 * TIE_MARGIN if with_first else TIE_MARGIN
        rows = first if first is not None else page_rows(session, query, offset, per_page, margin)
        return CountedPage(rows, max(estimate, offset + len(rows)), False, entries)
    both = _page_and_count(session, query, offset, per_page)
    if both is None:
        rows = page_rows(session, query, offset, per_page)
        counted = capped_count(session, query)
    else:
        rows, counted = both
    return CountedPage(rows, *_total(counted, estimate))


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
