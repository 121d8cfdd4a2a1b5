"""sort=next: the matches read in order of a lower bound of their next start, each one's exact
next occurrence worked out from its schedules (app.core.time) a chunk at a time, and the
reading stopped once the page cannot change.

Near a place, with more matches expected than SPANS_FROM, the matches come from their week
spans (WeekSpan: where and when in the week each occurrence is, one n-D GiST index): those on
air now or starting in the next slice of the week (the next hour, then up to three, six, ...
the week), each span's start its bound, a slice read only when those before did not settle
the page. The home page's search (near DY4, 5 miles, this week) at a million entries had read
the 5,001 nearest and sorted them by bound, 24.8 ms of SQL (docs/performance.md). Otherwise —
every match wanted (print), few matches, a page the week's spans cannot settle, no place —
the first MAX_COMPUTED_ROWS matches are read by a bound from the entry's own columns
(app.assets.upcoming): the nearest around a place, else the first by name.

Ties in start go nearest first around a place (the bound and the distance are both in the
index's rows, so no entry is read to order them), else in name order as pages are."""

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import Result, Select, and_, case, func, or_, select, tuple_
from sqlmodel import Session, col

from app.assets import paging
from app.assets.filters import starts_before
from app.assets.light import light_schedules
from app.assets.models import Asset, WeekSpan
from app.assets.paging import nearest_first
from app.assets.search_query import SearchQuery
from app.assets.upcoming import DAY_MINUTES, WEEK_MINUTES, next_start_bound, week_minute
from app.core.fixed import own_transaction
from app.core.time import Occurrence, next_occurrence

# sort=next by the entries' own bounds orders at most this many matches.
MAX_COMPUTED_ROWS = 5000
# Near a place, the week spans are read when more matches than this are expected: fewer are
# sorted by their bounds in a few milliseconds (10k: 247 matches 11 ms, 23 from the spans),
# where a sparse place's spans would be read slice after slice without settling a page.
SPANS_FROM = 1000
# ... and read until settling the page would take more entries than this (the capped walk's
# own budget): a filter that keeps few of the spans' entries is cheaper walked.
SPANS_BUDGET = MAX_COMPUTED_ROWS
COMPUTED_CHUNK = 100
# A slice's first chunk, in pages: each chunk is a statement that aggregates the slice's spans
# again (9.5 ms near DY4 at 10:30 at a million realistic entries), and in the busy hours of
# the day — cafés and services on air since the morning — two pages' worth did not settle a
# page. The home page's search, median ms at 00:30 / 10:30 / 16:30 / 20:30, alternating:
# 2 pages 23–29 / 28–31 / 7–8 / 5.0–5.2; 3 pages 16 / 16 / 7 / 5.4; 5 pages 16–18 / 15–16 /
# 9 / 6–8 (more entries' next dates worked out where two pages would have done); at 100,000
# 3 pages cost 0.1–0.6 ms more than 2 at every hour.
FIRST_CHUNK_PAGES = 3
NO_NEXT = timedelta(days=10_000)  # entries without a next occurrence sort last
# Where the slices of the week whose spans are read in turn end, in minutes from now: an
# hour at a time through a night's gap before the mornings' starts, then wider. A slice is
# read only when those before it did not settle the page.
SLICES = (60, 3 * 60, 6 * 60, 9 * 60, 12 * 60, DAY_MINUTES, 3 * DAY_MINUTES, WEEK_MINUTES)
FAR = 3 * WEEK_MINUTES  # past any span's end: an open side of a box


@dataclass
class Timed:
    """A match in the computed path: its result row, name and next occurrence only."""

    row: tuple[Any, ...]  # (id[, distance in metres])
    name: str
    next: Occurrence | None
    schedules: list[Any]  # read-only rows (app.assets.light), kept for presenting the page


@dataclass
class Soonest:
    timed: list[Timed]  # soonest first: every match read, at least the page's
    total: int
    exact: bool
    counted_to: int  # how far the matches were counted (SearchResult.counted_to)


def soonest_first(session: Session, query: SearchQuery, now: datetime, need: int | None) -> Soonest:
    """The matches soonest first, enough for the first `need` (None: every match, to the cap)."""
    estimate = None
    if need is not None and query.walks_nearest:
        estimate = paging.expected_matches(session, query)
        timed = _from_spans(session, query, now, need) if estimate > SPANS_FROM else None
        if timed is not None:
            total, exact = paging.counted(session, query, estimate)
            return Soonest(timed, total, exact, paging.EXACT_COUNT_UP_TO)
    few = query.keyed or (estimate is not None and estimate <= SPANS_FROM)
    timed, total = _from_bounds(session, query, now, need, few)
    if total > MAX_COMPUTED_ROWS and not query.keyed:  # counted to the cap only
        estimate = estimate or paging.expected_matches(session, query)
        return Soonest(timed, max(total, estimate), False, MAX_COMPUTED_ROWS)
    return Soonest(timed, total, True, MAX_COMPUTED_ROWS)


class _Reading:
    """Takes rows (id[, distance], name, bound, …) in (bound, tie) order a chunk at a time,
    works out their next occurrences, and says when the first `need` are settled. With
    `kept_before`, only those whose next occurrence starts before it are kept."""

    def __init__(
        self, session: Session, query: SearchQuery, now: datetime, kept_before: datetime | None
    ) -> None:
        self.session, self.now, self.kept_before = session, now, kept_before
        self.minute = now.replace(second=0, microsecond=0)  # what bounds count minutes from
        self.by_distance = query.origin is not None
        self.known: set[int] = set()
        self.timed: list[Timed] = []  # those kept, soonest first

    def key(self, t: Timed) -> tuple[Any, ...]:
        start = t.next.start if t.next else self.now + NO_NEXT
        return (start, *self._tie(t.row, t.name))

    def _tie(self, row: tuple[Any, ...], name: str) -> tuple[Any, ...]:
        return (row[1], row[0]) if self.by_distance else (name.lower(), row[0])

    def unread(self, last: Any) -> tuple[Any, ...] | None:
        """The least key any row after `last` can have (None: they have no schedules)."""
        *row, name, bound, _ = last
        if bound is None:
            return None
        start = self.minute + timedelta(minutes=bound)
        # Names compare differently in the database's collation: ties by name stay unread.
        return (start, *self._tie(tuple(row), name)) if self.by_distance else (start,)

    def settled(self, need: int, unread: tuple[Any, ...] | None) -> bool:
        if len(self.timed) < need or self.timed[need - 1].next is None:
            return False  # those without a next occurrence are in tie order: read them all
        return unread is None or self.key(self.timed[need - 1]) <= unread

    def take(self, chunk: Sequence[Any], need: int | None) -> bool:
        """Reads a chunk (an entry read before is not read again); whether the first `need`
        are settled by it."""
        new = [r[0] for r in chunk if r[0] not in self.known]
        schedules = light_schedules(self.session, new)  # plain rows: only read
        for *row, name, _, _ in chunk:
            if row[0] in self.known:
                continue
            self.known.add(row[0])
            found = schedules[row[0]]
            read = Timed(tuple(row), name, next_occurrence(found, self.now), found)
            if starts_before(read.next, self.kept_before):
                self.timed.append(read)
        self.timed.sort(key=self.key)
        return bool(chunk) and need is not None and self.settled(need, self.unread(chunk[-1]))


def _from_spans(
    session: Session, query: SearchQuery, now: datetime, need: int
) -> list[Timed] | None:
    """The matches on air now or starting in the next slice of the week, from their week
    spans, a slice at a time until the first `need` are settled; None when the week's cannot
    settle them (matches without a next occurrence on the page: the capped walk orders
    those), or when the filters keep so few of the spans' entries that settling the page
    would read more than SPANS_BUDGET of them (the capped walk is cheaper then: a filter that
    matched nothing near DY4 at a million joined every entry in the 5 miles, 250 ms against
    50).
    A slice is read a chunk at a time, each chunk a statement that carries on from the last
    row: a server-side cursor's statement has a new name each time, so psycopg converted its
    placeholders afresh and the slices cost twice as much."""
    reading = _Reading(session, query, now, query.kept_before)
    minute, seen = week_minute(now), 0
    for lo, hi in pairwise((0, *SLICES)):
        spans = _spans(query, minute, (lo, hi))
        last, size = None, FIRST_CHUNK_PAGES * need
        candidates = None  # how many entries the slice's spans lead to
        while True:
            walk = _spans_walk(query, spans, last).limit(size)
            rows = session.connection().execute(walk, query.values).all()
            if reading.take(rows, need):
                return reading.timed
            candidates = rows[0][-1] if rows else candidates
            if len(rows) < size:
                break
            last, size = rows[-1], COMPUTED_CHUNK
        # Every match not read starts after the slice, or never (none has a span).
        after = reading.minute + timedelta(minutes=hi + 1) if hi < WEEK_MINUTES else None
        if reading.settled(need, (after or now + NO_NEXT,)):
            return reading.timed
        # The entries the spans led to so far (every row carries its slice's; counted when
        # none passed the filters) against those kept: the rest of the page would take
        # about (need - kept) × seen / kept more.
        seen += _count(session, spans, query.values) if candidates is None else candidates
        kept = len(reading.timed)
        if (need - kept) * (seen + 1) > SPANS_BUDGET * (kept + 1):
            return None
    return None


def _count(session: Session, spans: Any, values: dict[str, Any]) -> int:
    return session.connection().scalar(select(func.count()).select_from(spans), values) or 0


def _spans(query: SearchQuery, minute: int, within: tuple[int, int]) -> Any:
    """The entries with a span within the search's circle starting between `within` minutes
    after `minute` of the week (from 0: and those on air then), as (asset_id, bound, d,
    candidates: how many there are), soonest bound then nearest first."""
    starts, ends, at = col(WeekSpan.starts), col(WeekSpan.ends), col(WeekSpan.at)
    lo, hi = minute + within[0], minute + within[1]
    # An end at `minute` is over. Minutes by the clock, as occurrences' ends are (an end is
    # its start plus its length by the clock: app.core.time), so a clock change moves neither.
    after = minute + 1
    last_week = after + WEEK_MINUTES
    coming = case((starts >= minute, starts - minute), else_=starts + WEEK_MINUTES - minute)
    if within[0] == 0:  # on air (this week's, or last week's running over into Monday)
        boxes = [_box(query, (-1, hi), (after, FAR))]
        if last_week <= WEEK_MINUTES + DAY_MINUTES:
            boxes.append(_box(query, (-1, WEEK_MINUTES), (last_week, FAR)))
        bound = case(
            (ends >= last_week, starts - WEEK_MINUTES - minute),
            (and_(ends >= after, starts <= hi), starts - minute),
            else_=coming,
        )
    else:
        boxes, bound = [_box(query, (lo + 1, hi), (-1, FAR))], coming
    if hi >= WEEK_MINUTES:  # next week's
        boxes.append(_box(query, (lo + 1 - WEEK_MINUTES, hi - WEEK_MINUTES), (-1, FAR)))
    distance = func.min(func.ST_Distance(at, query.origin))
    return (
        select(col(WeekSpan.asset_id), func.min(bound).label("bound"), distance.label("d"),
               func.count().over().label("candidates"))
        .where(or_(*boxes))
        .group_by(col(WeekSpan.asset_id))
        .having(distance <= query.radius_m)
        .order_by("bound", "d", col(WeekSpan.asset_id))
        .subquery()
    )  # fmt: skip


def _spans_walk(query: SearchQuery, spans: Any, last: Any = None) -> Select[Any]:
    """The matches among the `spans`' entries as (id, distance, name, bound, candidates), in
    the spans' order, after the row `last` if given; when= is tested on the next occurrences
    (kept_before). The spans are grouped and ordered before any entry is read, and entries
    are read one by one to the statement's limit (a page's 40 of 980 at 20:30 near DY4)."""
    order = (spans.c.bound, spans.c.d, spans.c.asset_id)
    walk = (
        query.unprobed.with_only_columns(
            col(Asset.id), spans.c.d, col(Asset.name), spans.c.bound, spans.c.candidates
        )
        .join_from(Asset, spans, spans.c.asset_id == col(Asset.id))
        .order_by(*order)
    )
    if last is None:
        return walk
    return walk.where(tuple_(*order) > tuple_(last[3], last[1], last[0]))


def _box(query: SearchQuery, starts: tuple[int, int], ends: tuple[int, int]) -> Any:
    """The spans within the search's square with a start and an end in these ranges."""
    (z0, z1), (m0, m1) = starts, ends
    centre = func.ST_Force4D(query.origin, (z0 + z1) / 2, (m0 + m1) / 2)
    radius = query.radius_m
    box = func.ST_Expand(centre, radius, radius, (z1 - z0) / 2, (m1 - m0) / 2)
    return col(WeekSpan.at).op("&&&")(box)


def _from_bounds(
    session: Session, query: SearchQuery, now: datetime, need: int | None, few: bool
) -> tuple[list[Timed], int]:
    """The first MAX_COMPUTED_ROWS matches (see _by_bound) soonest first, read until the
    first `need` are settled, and how many matched (counted to the cap and one more, or
    every match found by the area keys). `few`: fewer matches are expected than a chunked
    read would save (a server-side cursor's statement is converted afresh by psycopg at
    each search, its name being new: the home page's search at 10,000, 247 matches, 7.9 ms
    streamed and 6.0 fetched at once)."""
    # Kept with the shape, which soonest first keeps for its minute (statements.Shape.key): a
    # new statement's cache key was traversed at each run, 0.47 ms of the combined search's.
    statement = query.made.get(("by bound", now), lambda: _by_bound(query, now))
    # Around a place, the first matches are the nearest, walked from the KNN index (the
    # planner, expecting fewer than the cap, sorted every match instead: see nearest_first).
    rows: Result[Any]
    # A server-side cursor is read in the transaction it was opened in (fixed.own_transaction).
    with nullcontext() if few else own_transaction(session):
        with nearest_first(session, query.walks_nearest):
            if few:
                rows = session.connection().execute(statement, query.values)
            else:
                chunked = statement.execution_options(yield_per=COMPUTED_CHUNK)
                rows = session.execute(chunked, query.values)
        reading = _Reading(session, query, now, kept_before=None)
        matched = 0
        size = min(2 * need, COMPUTED_CHUNK) if need else COMPUTED_CHUNK
        while chunk := rows.fetchmany(size):
            matched = int(chunk[0][-1])  # count(*) over every match, read or not
            if reading.take(chunk, need):
                break
            size = COMPUTED_CHUNK
        rows.close()
    return reading.timed, matched


def _by_bound(query: SearchQuery, now: datetime) -> Select[Any]:
    """The matches as (row…, name, bound, count), soonest bound first. Found by the area keys
    (few, and read from a bitmap either way) every match is ordered by its bound and counted
    (the combined search at a million entries: p50 ~1.5 ms less than sorting by name first).
    Otherwise the first MAX_COMPUTED_ROWS are, counted to one more (an index walk can stop
    there): the nearest around a place (London 10 mi on a Saturday: 240 → 32 ms, where the
    first by name were read from every Saturday entry in England), else the first by name.
    Ordering every match by its bound read a million entries for a search with no filter
    (28 ms → 1.3 s)."""
    if query.keyed:
        bound = next_start_bound(col(Asset.week_starts), col(Asset.slots), now).label("bound")
        return (
            query.stmt.order_by(None)
            .add_columns(col(Asset.name), bound, func.count().over())
            .order_by(
                *_bound_first(
                    query,
                    bound,
                    col(Asset.name),
                    col(Asset.id),
                    query.stmt.selected_columns.get("distance_m"),
                )
            )  # fmt: skip
            .limit(MAX_COMPUTED_ROWS)
        )
    # Around a place its nearest matches, walked from the KNN index; else the first by name.
    walk = query.walked if query.walks_nearest else query.stmt
    matches = walk.add_columns(col(Asset.name), col(Asset.week_starts), col(Asset.slots))
    first = matches.limit(MAX_COMPUTED_ROWS + 1).subquery()
    walked: list[Any] = [first.c.distance_m if query.walks_nearest else func.lower(first.c.name),
                         first.c.id]  # fmt: skip
    kept = [c for c in first.c if c.name not in ("name", "week_starts", "slots")]
    bounded = select(
        *kept, first.c.name,
        next_start_bound(first.c.week_starts, first.c.slots, now).label("bound"),
        func.count().over().label("matched"),  # to the cap and one more: "more than"
        func.row_number().over(order_by=walked).label("walked"),
    ).subquery()  # fmt: skip
    shown = [c for c in bounded.c if c.name != "walked"]
    return (
        select(*shown)
        .where(bounded.c.walked <= MAX_COMPUTED_ROWS)  # the one walked past the cap: not shown
        .order_by(
            *_bound_first(
                query, bounded.c.bound, bounded.c.name, bounded.c.id, bounded.c.get("distance_m")
            )
        )  # fmt: skip
    )


def _bound_first(query: SearchQuery, bound: Any, name: Any, id_: Any, distance: Any) -> list[Any]:
    """Soonest bound first (none last), then the tie order: the SQL twin of _Reading.key."""
    tie = distance if query.origin is not None else func.lower(name)
    return [bound.asc().nulls_last(), tie, id_]
