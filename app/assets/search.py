"""The one search: site, API, feeds and print all call `search_assets`."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, func, select, text
from sqlmodel import Session, col

from app.assets.filters import filter_conditions, resolve_town
from app.assets.light import light_schedules, load_light, towns_of
from app.assets.models import Asset, AssetKind, AssetStatus
from app.assets.search_params import SearchParams, Sort
from app.core.config import get_settings
from app.core.errors import InvalidInputError
from app.core.explain import estimated_rows
from app.core.geo import grid_point, metres_to_miles, miles_to_metres
from app.core.time import Occurrence, local_now, next_occurrence, zone
from app.geocoding.service import Located, locate
from app.places.models import Place

# sort=next is ordered by computed occurrences, over at most this many matches.
MAX_COMPUTED_ROWS = 5000
COMPUTED_CHUNK = 250
# Totals are counted exactly up to here; past it, a page says "about N" (the planner's
# estimate): counting 100,000 matches to print one number would cost more than the page.
EXACT_COUNT_UP_TO = 500
# Above this many expected matches the planner's estimate is taken without counting: only an
# estimate four times the truth would hide a countable total. Near searches, the commonest,
# are estimated within a few per cent (4,016 expected and counted around B69); the
# estimates that go wrong are low ones (a schedule test: 162 for 3,030), and those are counted.
TRUST_ESTIMATE_ABOVE = 4 * EXACT_COUNT_UP_TO
PUBLISHED = (AssetStatus.published,)


@dataclass
class AssetHit:
    asset: Asset
    distance_miles: float | None
    next: Occurrence | None


@dataclass
class SearchResult:
    hits: list[AssetHit]
    total: int
    params: SearchParams
    now: datetime
    origin: Located | None = None
    town: Place | None = None
    towns: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (slug, name)
    kind_counts: dict[AssetKind, int] = field(default_factory=dict)
    total_exact: bool = True  # False: `total` is an estimate above EXACT_COUNT_UP_TO

    @property
    def more_than(self) -> int | None:
        """The cap, when all that is known is that the matches are more than it (counted to
        the cap, and the planner expected fewer): "More than 500 results"."""
        counted_past_cap = not self.total_exact and self.total <= EXACT_COUNT_UP_TO + 1
        return EXACT_COUNT_UP_TO if counted_past_cap else None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))


@dataclass
class _Query:
    stmt: Select[Any]
    computed: bool  # ordered by computed occurrences (sort=next)
    # How the capped count walks the matches: nearest first for a place (a KNN index scan
    # that stops at the cap), in no order otherwise.
    count_order: list[Any] = field(default_factory=list)
    knn: bool = False  # nearest first from the index; ties put in id order afterwards
    order: list[Any] = field(default_factory=list)  # the page's order

    @property
    def counted(self) -> Select[Any]:
        """The matches in the order the capped count walks them."""
        return self.stmt.order_by(None).order_by(*self.count_order)


def _build(
    session: Session,
    params: SearchParams,
    now: datetime,
    result: SearchResult,
    statuses: tuple[AssetStatus, ...],
    around: Place | None,
    around_miles: float,
) -> _Query:
    sort = params.sort or (Sort.distance if params.near or around else Sort.name)
    if sort == Sort.distance and not (params.near or around):
        raise InvalidInputError("sort=distance needs a place to measure from (near)", field="sort")
    if params.town:
        result.town = resolve_town(session, params.town)
    # One table: the asset carries its venue's point and town (kept by triggers).
    stmt = select(col(Asset.id))
    conditions = filter_conditions(params, now, place=result.town)
    stmt = stmt.where(col(Asset.status).in_(statuses), *conditions)
    order: list[Any] = [func.lower(col(Asset.name)), col(Asset.id)]
    count_order: list[Any] = []
    if params.near:
        try:
            result.origin = locate(session, query=params.near)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.message, field="near") from exc
        origin = grid_point(result.origin.point)  # planar metres: see Asset.grid
        limit_m = miles_to_metres(min(params.radius, get_settings().max_radius_miles))
        distance = func.ST_Distance(col(Asset.grid), origin)
        # A box test plus a distance test rather than ST_DWithin: the planner estimates the
        # box from the column's statistics, where ST_DWithin's estimate (40 rows for 56,000)
        # sent it to bitmap scans that sorted every match for a page of 20.
        stmt = stmt.where(
            col(Asset.grid).op("&&")(func.ST_Expand(origin, limit_m)), distance <= limit_m
        ).add_columns(distance.label("distance_m"))
        nearest = col(Asset.grid).op("<->")(origin)
        count_order = [nearest]
        if sort == Sort.distance:
            order = [nearest]  # a second key would stop the KNN index scan: see _page
    elif around is not None:
        # Just outside a town: not in it, but within `around_miles` of its boundary.
        boundary = (
            select(func.geography(col(Place.boundary)))
            .where(col(Place.id) == around.id)
            .scalar_subquery()
        )
        distance = func.ST_Distance(col(Asset.location), boundary)
        stmt = stmt.where(
            col(Asset.town_id).is_distinct_from(around.id),
            func.ST_DWithin(col(Asset.location), boundary, miles_to_metres(around_miles)),
        ).add_columns(distance)
        if sort == Sort.distance:
            order = [distance, col(Asset.id)]
    computed = sort == Sort.next
    knn = bool(params.near) and sort == Sort.distance
    return _Query(stmt.order_by(*order), computed=computed, count_order=count_order, knn=knn,
                  order=order)  # fmt: skip


@dataclass
class _Timed:
    """A match in the computed path: its result row, name and next occurrence only."""

    row: tuple[Any, ...]  # (id[, distance in metres])
    name: str
    next: Occurrence | None


def _computed(
    session: Session, query: _Query, now: datetime
) -> tuple[list[_Timed], bool]:  # fmt: skip
    """sort=next: every match (up to MAX_COMPUTED_ROWS, in the query's order) with its next
    occurrence, reading only schedules, a chunk at a time; sorted soonest first. Returns them
    and whether every match was read."""
    rows = session.execute(
        query.stmt.add_columns(col(Asset.name))
        .limit(MAX_COMPUTED_ROWS + 1)
        .execution_options(yield_per=COMPUTED_CHUNK)
    )
    timed: list[_Timed] = []
    for chunk in rows.partitions():
        schedules = light_schedules(session, [r[0] for r in chunk])  # plain rows: only read
        for r in chunk:
            timed.append(_Timed(tuple(r[:-1]), r[-1], next_occurrence(schedules[r[0]], now)))
    complete = len(timed) <= MAX_COMPUTED_ROWS
    far = now + timedelta(days=10_000)
    timed = sorted(timed[:MAX_COMPUTED_ROWS], key=lambda t: (t.next.start if t.next else far,
                                                            t.name.lower()))  # fmt: skip
    return timed, complete


def search_assets(
    session: Session,
    *,
    params: SearchParams,
    now: datetime | None = None,
    statuses: tuple[AssetStatus, ...] = PUBLISHED,
    paginate: bool = True,
    facets: bool = False,
    around: Place | None = None,
    around_miles: float = 2.0,
    upcoming: bool = True,
) -> SearchResult:
    """Published entries matching `params`, each with its distance and next occurrence.

    `paginate=False` returns every match (print, feeds); `facets=True` also counts matches
    per kind as if no kind were chosen; `around` finds entries just outside that town;
    `upcoming=False` skips working out each hit's next occurrence (feeds do not show it).
    Hits carry read-only rows shaped like entries (app.assets.light), never ORM entries: every
    caller only presents them."""
    now = (now or local_now()).astimezone(zone())
    result = SearchResult(hits=[], total=0, params=params, now=now)
    query = _build(session, params, now, result, statuses, around, around_miles)
    offset = (params.page - 1) * params.per_page
    if query.computed:
        timed, complete = _computed(session, query, now)
        result.total = len(timed)
        if not complete:  # sorted among the first MAX_COMPUTED_ROWS; more matched
            result.total = max(len(timed) + 1, estimated_rows(session, query.counted))
            result.total_exact = False
        chosen = timed[offset : offset + params.per_page] if paginate else timed
        result.hits = _load(session, [t.row for t in chosen], now, upcoming)
    elif paginate:
        rows, (result.total, result.total_exact) = _page_counted(
            session, query, offset, params.per_page
        )
        result.hits = _load(session, rows, now, upcoming)
    else:
        result.hits = _load(session, session.execute(query.stmt).all(), now, upcoming)
        result.total = len(result.hits)
    # Past the exact-count cap the kinds are not counted: the matches without the kind
    # filter are at least as many, so they could not be counted exactly either.
    if facets and result.total_exact:
        result.kind_counts = _kind_counts(session, params, now, statuses, around, around_miles)
    result.towns = towns_of([h.asset for h in result.hits])
    return result


TIE_MARGIN = 50


def _page(query: _Query, offset: int, per_page: int) -> Select[Any]:
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


def _page_counted(
    session: Session, query: _Query, offset: int, per_page: int
) -> tuple[Sequence[Any], tuple[int, bool]]:
    """One page and (total, exact): exact up to EXACT_COUNT_UP_TO, else the planner's estimate.
    When the planner expects far more matches than that, only the page is read: the capped
    count of a common word walked 37,000 entries to find 501 (70 ms at a million entries),
    the page 1,500."""
    rows: Sequence[Any]
    estimate = estimated_rows(session, query.counted)
    if estimate > TRUST_ESTIMATE_ABOVE:
        rows = session.execute(_page(query, offset, per_page)).all()
        return rows, (max(estimate, offset + len(rows)), False)
    both = _page_and_count(session, query, offset, per_page)
    if both is None:
        rows = session.execute(_page(query, offset, per_page)).all()
        counted = _capped_count(session, query)
    else:
        rows, counted = both
    if counted <= EXACT_COUNT_UP_TO:
        return rows, (counted, True)
    return rows, (max(counted, estimate), False)


def _page_and_count(
    session: Session, query: _Query, offset: int, per_page: int
) -> tuple[list[tuple[Any, ...]], int] | None:
    """The page and the capped count from one walk of the matches: the first 501 in the
    page's order, counted by a window over them, the page cut from them (the page and the
    count each walked the matches, probing schedules or venues per entry). Nearest first,
    the 501 come from the KNN index and the page is cut in (distance, id) order (see _page).
    None for pages past the first 501, and for an empty page after the first."""
    margin = TIE_MARGIN if query.knn else 0
    if offset + per_page + margin > EXACT_COUNT_UP_TO:
        return None
    if query.knn:
        first = query.stmt.limit(EXACT_COUNT_UP_TO + 1).subquery()
        columns, order = [first.c.id, first.c.distance_m], [first.c.distance_m, first.c.id]
    else:
        numbered = query.stmt.add_columns(func.row_number().over(order_by=query.order).label("n"))
        first = numbered.limit(EXACT_COUNT_UP_TO + 1).subquery()
        columns, order = [c for c in first.c if c.name != "n"], [first.c.n]
    page = select(*columns, func.count().over()).order_by(*order).offset(offset).limit(per_page)
    with _nearest_first(session, query.knn):
        rows = session.execute(page).all()
    if not rows:
        return ([], 0) if offset == 0 else None
    return [tuple(r[:-1]) for r in rows], int(rows[0][-1])


def _capped_count(session: Session, query: _Query) -> int:
    """How many matches there are, counted up to EXACT_COUNT_UP_TO + 1."""
    capped = query.counted.limit(EXACT_COUNT_UP_TO + 1).subquery()
    with _nearest_first(session, bool(query.count_order)):
        return session.scalar(select(func.count()).select_from(capped)) or 0


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


def _kind_counts(
    session: Session,
    params: SearchParams,
    now: datetime,
    statuses: tuple[AssetStatus, ...],
    around: Place | None,
    around_miles: float,
) -> dict[AssetKind, int]:
    """Matches per kind with every other filter applied ("Meetings (12)"); nothing when there
    are more matches than are counted exactly (the page then shows kinds without numbers).
    Called only when the search itself was counted exactly."""
    unkinded = params.model_copy(update={"kind": [], "page": 1})
    scratch = SearchResult(hits=[], total=0, params=unkinded, now=now)
    query = _build(session, unkinded, now, scratch, statuses, around, around_miles)
    # Without a kind filter these are the caller's matches, counted exactly.
    if params.kind and _capped_count(session, query) > EXACT_COUNT_UP_TO:
        return {}
    ids = query.stmt.order_by(None).with_only_columns(col(Asset.id)).subquery()
    rows = session.execute(
        select(col(Asset.kind), func.count())
        .where(col(Asset.id).in_(select(ids.c.id)))
        .group_by(col(Asset.kind))
    ).all()
    return {AssetKind(kind): int(n) for kind, n in rows}


def _load(
    session: Session, rows: Sequence[Any], now: datetime, upcoming: bool = True
) -> list[AssetHit]:
    """Read-only entries for (id[, distance]) rows, keeping the rows' order."""
    if not rows:
        return []
    by_id = cast(dict[Any, Asset], load_light(session, [r[0] for r in rows]))
    return [
        AssetHit(
            asset=by_id[r[0]],
            distance_miles=round(metres_to_miles(r[1]), 1) if len(r) > 1 else None,
            next=next_occurrence(by_id[r[0]].schedules, now) if upcoming else None,
        )
        for r in rows
    ]


def town_names(session: Session, hits: list[AssetHit]) -> dict[int, tuple[str, str]]:
    ids = {h.asset.venue.town_id for h in hits if h.asset.venue and h.asset.venue.town_id}
    if not ids:
        return {}
    rows = session.execute(
        select(col(Place.id), col(Place.slug), col(Place.name)).where(col(Place.id).in_(ids))
    )
    return {pid: (slug, name) for pid, slug, name in rows}
