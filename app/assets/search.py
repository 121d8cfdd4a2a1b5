"""The one search: site, API, feeds and print all call `search_assets`."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.assets import area, paging
from app.assets.filters import resolve_town
from app.assets.light import load_light, towns_of
from app.assets.models import Asset, AssetKind, AssetStatus
from app.assets.paging import capped_count, page_counted
from app.assets.search_params import SearchParams, Sort
from app.assets.search_query import SearchQuery
from app.assets.soonest import Timed, soonest_first
from app.assets.statements import Shape, statements_for
from app.core.config import get_settings
from app.core.errors import InvalidInputError
from app.core.geo import metres_to_miles, miles_to_metres, origin_values
from app.core.time import Occurrence, local_now, next_occurrence, zone
from app.geocoding.service import Located, locate
from app.places.models import Place
from app.places.service import place_slugs_and_names

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
    takes those of an earlier search of the same shape (app.assets.statements), with its
    point's values."""
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
    keyed = area.keyed(params, sort)
    shape = Shape(params, now, sort, result.town, statuses, around, around_miles, radius_m,
                  by_area=bool(keyed))  # fmt: skip
    query = replace(statements_for(shape), values=values)
    if keyed is None and paging.expected_matches(session, query) <= paging.TRUST_ESTIMATE_ABOVE:
        # Few enough to be counted: the keys read them, where the walk read every entry
        # that fails on its way to the count's 501 (app.assets.area.keyed).
        query = replace(statements_for(replace(shape, by_area=True)), values=values)
    return query


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
    caller only presents them.

    A search is answered for its minute (`now` to the minute, as the API keeps answers:
    app.assets.answers): schedules start and end on whole minutes, so every test gives what it
    gives at any second of that minute, and a shape's statements made in it serve the rest of
    it (app.assets.statements)."""
    now = (now or local_now()).astimezone(zone()).replace(second=0, microsecond=0)
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
        counted = page_counted(session, query, offset, params.per_page)
        result.total, result.total_exact = counted.total, counted.exact
        result.hits = _load(session, counted.rows, now, upcoming, read=counted.entries)
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
    known: dict[int, Timed] | None = None, read: dict[int, Any] | None = None,
) -> list[AssetHit]:  # fmt: skip
    """Read-only entries for (id[, distance]) rows, keeping the rows' order; `known`: their
    schedules and next occurrences, when sort=next has worked them out already; `read`: the
    entries themselves, when the page was read with them (paging.page_counted)."""
    if not rows:
        return []
    if read is None:
        ids = [r[0] for r in rows]
        schedules = {i: t.schedules for i, t in known.items()} if known else None
        read = load_light(session, ids, schedules=schedules)
    by_id = cast(dict[Any, Asset], read)

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
    """Town id → (slug, name) of these hits' venues (ORM entries; read-only ones carry
    theirs: app.assets.light.towns_of), from the places kept in memory."""
    ids = {h.asset.venue.town_id for h in hits if h.asset.venue and h.asset.venue.town_id}
    if not ids:
        return {}
    places = place_slugs_and_names(session, ids)
    return {i: places[i] for i in ids}
