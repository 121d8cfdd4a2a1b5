"""The one search: site, API, feeds and print all call `search_assets`."""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from threading import Lock
from typing import Any, cast

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.assets import area, paging
from app.assets.filters import (
    day_walk,
    filter_conditions,
    resolve_town,
    time_kept,
    time_probe,
)
from app.assets.light import load_light, towns_of
from app.assets.models import Asset, AssetKind, AssetStatus
from app.assets.paging import SearchQuery, capped_count, page_counted
from app.assets.search_params import SearchParams, Sort
from app.assets.soonest import Timed, soonest_first
from app.core.config import get_settings
from app.core.errors import InvalidInputError
from app.core.geo import ORIGIN_ON_THE_GRID, metres_to_miles, miles_to_metres, origin_values
from app.core.time import Occurrence, local_now, next_occurrence, zone
from app.geocoding.service import Located, locate
from app.places.models import Place

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
    total_exact: bool = True  # False: an estimate past the exact-count cap (app.assets.paging)
    # How far the matches are counted: sort=next may count (and order) to MAX_COMPUTED_ROWS.
    counted_to: int = field(default_factory=lambda: paging.EXACT_COUNT_UP_TO)

    @property
    def more_than(self) -> int | None:
        """The cap, when all that is known is that the matches are more than it (counted to
        the cap, and the planner expected fewer): "More than 500 results"."""
        cap = self.counted_to
        return cap if not self.total_exact and self.total <= cap + 1 else None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))


def _build(
    session: Session,
    params: SearchParams,
    now: datetime,
    result: SearchResult,
    statuses: tuple[AssetStatus, ...],
    around: Place | None,
    around_miles: float,
) -> SearchQuery:
    """The search's statements: looks up its town and point (on `result`), then makes them, or
    takes those of an earlier search of the same shape (see SHAPES_KEPT)."""
    sort = params.sort or (Sort.distance if params.near or around else Sort.name)
    if sort == Sort.distance and not (params.near or around):
        raise InvalidInputError("sort=distance needs a place to measure from (near)", field="sort")
    if params.town:
        result.town = resolve_town(session, params.town)
    values: dict[str, Any] = {}
    radius_m = 0.0
    if params.near:
        try:
            result.origin = locate(session, query=params.near)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.message, field="near") from exc
        values = origin_values(result.origin.point)
        radius_m = miles_to_metres(min(params.radius, get_settings().max_radius_miles))
    shape = _Shape(params, now, sort, result.town, statuses, around, around_miles, radius_m)
    key = shape.key()
    query = shape.statements() if key is None else _SHAPES.get(key, shape.statements)
    return replace(query, values=values)


# Searches of one shape (every filter but the point: a phone's near searches) share their
# statements, made once and run with each search's point bound (SearchQuery.values): making
# a near search's statements and traversing them anew for SQLAlchemy's cache at each run cost
# ~0.5 ms of a distinct API search's 2.6-2.9 ms of Python (in process at a million entries,
# alternating: 2.02-2.35 ms kept). Only shapes whose statements depend on the parameters
# alone are kept: not a town's (its id is looked up), not one around a town, and none tested
# against the clock (days, times, when=, soonest first).
SHAPES_KEPT = 256


class _Shapes:
    """The statements of the last SHAPES_KEPT shapes searched, by shape."""

    def __init__(self) -> None:
        self._kept: OrderedDict[Hashable, SearchQuery] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, make: Callable[[], SearchQuery]) -> SearchQuery:
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        made = make()
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > SHAPES_KEPT:
                self._kept.popitem(last=False)
        return made


_SHAPES = _Shapes()


@dataclass
class _Shape:
    params: SearchParams
    now: datetime
    sort: Sort
    town: Place | None
    statuses: tuple[AssetStatus, ...]
    around: Place | None
    around_miles: float
    radius_m: float

    def key(self) -> Hashable | None:
        """What the statements depend on, when it is only the parameters (None otherwise)."""
        p = self.params
        timed = p.day or p.time or p.when or p.starts_after or p.ends_before
        if self.town is not None or self.around is not None or self.sort == Sort.next or timed:
            return None
        filters = p.model_dump_json(exclude={"near", "page", "per_page", "sort"})
        return (filters, bool(p.near), self.sort, self.statuses, self.radius_m)

    def statements(self) -> SearchQuery:
        params, now, sort = self.params, self.now, self.sort
        # One table: the asset carries its venue's point and town (kept by triggers).
        stmt = select(col(Asset.id))
        by_area = area.keyed(params, sort)  # kinds and start slots asked of the area keys
        conditions = filter_conditions(params, now, place=self.town, by_area=by_area)
        stmt = stmt.where(col(Asset.status).in_(self.statuses), *conditions)
        order: list[Any] = [func.lower(col(Asset.name)), col(Asset.id)]
        count_order: list[Any] = []
        origin, limit_m = None, self.radius_m
        circle: list[Any] = []  # the distance test, left out of the estimate (SearchQuery.square)
        if params.near:
            origin = ORIGIN_ON_THE_GRID  # planar metres: see Asset.grid
            distance = func.ST_Distance(col(Asset.grid), origin)
            # A box test plus a distance test rather than ST_DWithin: the planner estimates the
            # box from the column's statistics, where ST_DWithin's estimate (40 rows for 56,000)
            # sent it to bitmap scans that sorted every match for a page of 20.
            stmt = stmt.where(col(Asset.grid).op("&&")(func.ST_Expand(origin, limit_m)))
            stmt = stmt.add_columns(distance.label("distance_m"))
            circle = [distance <= limit_m]
            nearest = col(Asset.grid).op("<->")(origin)
            if by_area:
                # The keys' index finds the few matches; sorting them beats walking the nearest
                # entries past every one that fails (the combined filters by distance: 240 ms).
                stmt = stmt.where(area.in_area(params, origin, limit_m))
                if sort == Sort.distance:
                    order = [distance, col(Asset.id)]
            else:
                count_order = [nearest]
                if sort == Sort.distance:
                    order = [nearest]  # a second key would stop the KNN scan: see paging.page
        elif self.around is not None:
            # Just outside a town: not in it, but within `around_miles` of its boundary.
            boundary = (
                select(func.geography(col(Place.boundary)))
                .where(col(Place.id) == self.around.id)
                .scalar_subquery()
            )
            distance = func.ST_Distance(col(Asset.location), boundary)
            stmt = stmt.where(
                col(Asset.town_id).is_distinct_from(self.around.id),
                func.ST_DWithin(col(Asset.location), boundary, miles_to_metres(self.around_miles)),
            ).add_columns(distance)
            if sort == Sort.distance:
                order = [distance, col(Asset.id)]
        square, unprobed = stmt, stmt.where(*circle)
        stmt = unprobed
        if (probe := time_probe(params, now)) is not None:
            stmt = stmt.where(probe)
        computed = sort == Sort.next
        knn = bool(params.near) and sort == Sort.distance and not by_area
        return SearchQuery(stmt.order_by(*order), computed=computed, unprobed=unprobed,
                           count_order=count_order, knn=knn, order=order,
                           walk_hint=day_walk(params, now, by_area), keyed=by_area,
                           origin=origin, radius_m=limit_m,
                           kept_before=time_kept(params, now),
                           square=square if circle else None)  # fmt: skip


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
        found = soonest_first(session, query, now, offset + params.per_page if paginate else None)
        result.total, result.total_exact = found.total, found.exact
        result.counted_to = found.counted_to
        timed = found.timed
        chosen = timed[offset : offset + params.per_page] if paginate else timed
        known = {t.row[0]: t for t in chosen}
        result.hits = _load(session, [t.row for t in chosen], now, upcoming, known=known)
    elif paginate:
        rows, (result.total, result.total_exact) = page_counted(
            session, query, offset, params.per_page
        )
        result.hits = _load(session, rows, now, upcoming)
    else:
        # Every match: nearest first with ties (one venue's entries) in id order, as pages are.
        stmt = query.stmt.order_by(col(Asset.id)) if query.knn else query.stmt
        result.hits = _load(session, session.execute(stmt, query.values).all(), now, upcoming)
        result.total = len(result.hits)
    # Past the exact-count cap the kinds are not counted: the matches without the kind
    # filter are at least as many, so they could not be counted exactly either.
    if facets and result.total_exact:
        result.kind_counts = _kind_counts(session, params, now, statuses, around, around_miles)
    result.towns = towns_of([h.asset for h in result.hits])
    return result


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
    if params.kind and capped_count(session, query) > paging.EXACT_COUNT_UP_TO:
        return {}
    ids = query.stmt.order_by(None).with_only_columns(col(Asset.id)).subquery()
    rows = session.execute(
        select(col(Asset.kind), func.count())
        .where(col(Asset.id).in_(select(ids.c.id)))
        .group_by(col(Asset.kind)),
        query.values,
    ).all()
    return {AssetKind(kind): int(n) for kind, n in rows}


def _load(
    session: Session, rows: Sequence[Any], now: datetime, upcoming: bool = True, *,
    known: dict[int, Timed] | None = None,
) -> list[AssetHit]:  # fmt: skip
    """Read-only entries for (id[, distance]) rows, keeping the rows' order; `known`: their
    schedules and next occurrences, when sort=next has worked them out already."""
    if not rows:
        return []
    ids = [r[0] for r in rows]
    schedules = {i: t.schedules for i, t in known.items()} if known else None
    by_id = cast(dict[Any, Asset], load_light(session, ids, schedules=schedules))

    def upcoming_of(id_: int) -> Occurrence | None:
        if not upcoming:
            return None
        return known[id_].next if known else next_occurrence(by_id[id_].schedules, now)

    return [
        AssetHit(
            asset=by_id[r[0]],
            distance_miles=round(metres_to_miles(r[1]), 1) if len(r) > 1 else None,
            next=upcoming_of(r[0]),
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
