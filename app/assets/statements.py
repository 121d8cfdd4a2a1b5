"""A search's statements, made for its shape: its filters, sort, radius and place, not its
point. Searches of a shape whose statements depend on nothing else share them."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from app.assets import area
from app.assets.filters import (
    day_walk,
    filter_conditions,
    reads_the_clock,
    time_kept,
    time_probe,
)
from app.assets.models import Asset, AssetStatus
from app.assets.search_params import SearchParams, Sort
from app.assets.search_query import SearchQuery
from app.core.geo import ORIGIN_ON_THE_GRID, miles_to_metres
from app.places.models import Place

# Searches of one shape (every filter but the point: a phone's near searches) share their
# statements, made once and run with each search's point bound (SearchQuery.values): making
# a near search's statements and traversing them anew for SQLAlchemy's cache at each run cost
# ~0.5 ms of a distinct API search's 2.6-2.9 ms of Python (in process at a million entries,
# alternating: 2.02-2.35 ms kept). A town's shape is kept under its id, and one tested
# against the clock (days, times, when=, soonest first) for its minute, the moment searches
# are answered for (app.assets.search): making them anew cost town + day + time, when=today
# and when=now near B69 4.0-5.6 ms of Python a search, kept 2.0-2.8 (alternating, bench.search
# shapes at one moment). Only searches around a town (print's "just outside") are not kept.
SHAPES_KEPT = 256
# The filters a plain near search may use (SearchQuery.plain): a phone's "meetings near me".
PLAIN = {"near", "radius", "kind"}


class _Kept:
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
        made.made.shared = True
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > SHAPES_KEPT:
                self._kept.popitem(last=False)
        return made


_SHAPES = _Kept()


@dataclass
class Shape:
    """What a search's statements are made from: everything but its point (the statements
    take that as parameters, app.core.geo.ORIGIN_ON_THE_GRID); its town already looked up."""

    params: SearchParams
    now: datetime
    sort: Sort
    town: Place | None
    statuses: tuple[AssetStatus, ...]
    around: Place | None
    around_miles: float
    radius_m: float
    by_area: bool  # kinds and start slots asked of the area keys (app.assets.area.keyed)

    def key(self) -> Hashable | None:
        """What the statements depend on: the parameters, the town's id and, when they test
        the clock, the moment (None: not kept)."""
        p = self.params
        if self.around is not None:
            return None
        filters = p.model_dump_json(exclude={"near", "page", "per_page", "sort"})
        town = self.town.id if self.town is not None else None
        # For a shape tested against the clock, its moment: a search's minute (search_assets).
        moment = self.now if reads_the_clock(p) or self.sort == Sort.next else None
        return (filters, bool(p.near), self.sort, self.statuses, self.radius_m, town, moment,
                self.by_area)  # fmt: skip

    def make(self) -> SearchQuery:
        params, now, sort = self.params, self.now, self.sort
        # One table: the asset carries its venue's point and town (kept by triggers).
        stmt = select(col(Asset.id))
        by_area = self.by_area
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
        plain = knn and set(params.filters()) <= PLAIN
        return SearchQuery(stmt.order_by(*order), computed=computed, unprobed=unprobed,
                           count_order=count_order, knn=knn, plain=plain, order=order,
                           walk_hint=day_walk(params, now, by_area), keyed=by_area,
                           origin=origin, radius_m=limit_m,
                           kept_before=time_kept(params, now),
                           square=square if circle else None)  # fmt: skip


def statements_for(shape: Shape) -> SearchQuery:
    """The shape's statements: those kept for it, else made (and kept, when they can be)."""
    key = shape.key()
    return shape.make() if key is None else _SHAPES.get(key, shape.make)
