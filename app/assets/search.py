"""The one search: site, API, feeds and print all call `search_assets`."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from app.assets.models import (
    Asset,
    AssetInterest,
    AssetKind,
    AssetStatus,
    Attendance,
    Audience,
    Interest,
    Schedule,
)  # fmt: skip
from app.core.config import get_settings
from app.core.errors import InvalidInputError, NotFoundError
from app.core.geo import geography_point, metres_to_miles, miles_to_metres
from app.core.time import (
    BAND_BOUNDS,
    DAY_CODES,
    Occurrence,
    TimeBand,
    Weekday,
    local_now,
    next_occurrence,
    zone,
)  # fmt: skip
from app.geocoding.service import Located, locate
from app.places.models import Place
from app.places.service import get_place
from app.venues.models import AccessFeature, Venue

# `when` and `sort=next` are decided from computed occurrences, over at most this many rows.
MAX_COMPUTED_ROWS = 5000


class When(StrEnum):
    now = "now"
    today = "today"
    week = "week"


class Sort(StrEnum):
    distance = "distance"
    next = "next"
    name = "name"


class SearchParams(BaseModel):
    """Search filters; the same names in the HTML form, the API and the feeds."""

    town: str | None = Field(None, max_length=80, description="Town slug, e.g. `oldbury`.")
    near: str | None = Field(
        None, max_length=100, description="Postcode, outcode, town name or `lat,lon`."
    )
    radius: float = Field(5.0, gt=0, le=50, description="Miles from `near` (default 5).")
    kind: list[AssetKind] = Field(default_factory=list, max_length=20)
    interest: list[str] = Field(default_factory=list, max_length=50)
    day: list[Weekday] = Field(default_factory=list, max_length=7)
    time: TimeBand | None = None
    when: When | None = None
    mode: Attendance | None = Field(None, description="`online` and `in_person` include hybrid.")
    access: list[AccessFeature] = Field(default_factory=list, max_length=10)
    audience: Audience | None = None
    type: str | None = Field(None, max_length=20, description="Meeting Guide type code.")
    q: str | None = Field(None, max_length=200, description="Free text.")
    sort: Sort | None = None
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


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


def _schedule_matches(days: list[int] | None, band: TimeBand | None, today: date) -> Any:
    """EXISTS a current schedule on one of `days` starting in `band` (either may be None)."""
    conds: list[ColumnElement[bool]] = [
        col(Schedule.asset_id) == col(Asset.id),
        or_(col(Schedule.valid_until).is_(None), col(Schedule.valid_until) >= today),
    ]
    if days is not None:
        one_off = text(
            "EXISTS (SELECT 1 FROM unnest(schedule.dates) AS d "
            "WHERE d >= :today AND extract(isodow FROM d)::int - 1 = ANY(:days))"
        ).bindparams(today=today, days=days)
        conds.append(
            or_(
                and_(
                    col(Schedule.frequency).in_(["weekly", "monthly_nth"]),
                    col(Schedule.weekdays).op("&&")(days),
                ),
                # any day of the month falls on every weekday sooner or later
                col(Schedule.frequency) == "monthly_day",
                and_(col(Schedule.frequency) == "once", one_off),
            )
        )
    if band is not None:
        lo, hi = BAND_BOUNDS[band]
        start = col(Schedule.start_time)
        conds.append(and_(start >= lo, start < hi) if lo < hi else or_(start >= lo, start < hi))
    return exists().where(*conds)


def _filters(session: Session, p: SearchParams, now: datetime, result: SearchResult) -> list[Any]:
    today = now.date()
    where: list[Any] = []
    if p.town:
        try:
            result.town = get_place(session, slug=p.town)
        except NotFoundError as exc:
            raise InvalidInputError(exc.message, field="town") from exc
        where.append(col(Venue.town_id) == result.town.id)
    if p.kind:
        where.append(col(Asset.kind).in_(p.kind))
    if p.interest:
        where.append(
            col(Asset.id).in_(
                select(col(AssetInterest.asset_id))
                .join(Interest, col(Interest.id) == col(AssetInterest.interest_id))
                .where(col(Interest.slug).in_(p.interest))
            )
        )
    if p.day or p.time:
        days = [DAY_CODES.index(d.value) for d in p.day] if p.day else None
        where.append(_schedule_matches(days, p.time, today))
    if p.when in (When.now, When.today):
        yesterday = (today - timedelta(days=1)).weekday()
        where.append(_schedule_matches([today.weekday(), yesterday], None, today))
    elif p.when == When.week:
        where.append(_schedule_matches(None, None, today))
    if p.mode == Attendance.hybrid:
        where.append(col(Asset.attendance) == Attendance.hybrid)
    elif p.mode:
        where.append(col(Asset.attendance).in_([p.mode, Attendance.hybrid]))
    if p.access:
        where.append(col(Venue.accessibility).contains([a.value for a in p.access]))
    if p.audience:
        where.append(col(Asset.audience) == p.audience)
    if p.type:
        where.append(col(Asset.types).contains([p.type]))
    if p.q and p.q.strip():
        where.append(col(Asset.search_vector).op("@@")(func.websearch_to_tsquery("english", p.q)))
    return where


def _keep(hit: AssetHit, when: When | None, now: datetime) -> bool:
    occ = hit.next
    if when is None:
        return True
    if occ is None:
        return False
    if when == When.now:
        return occ.start <= now < occ.end
    if when == When.today:
        return occ.start.date() <= now.date()
    return occ.start < now + timedelta(days=7)


def search_assets(
    session: Session,
    *,
    params: SearchParams,
    now: datetime | None = None,
    statuses: tuple[AssetStatus, ...] = (AssetStatus.published,),
) -> SearchResult:
    now = (now or local_now()).astimezone(zone())
    result = SearchResult(hits=[], total=0, params=params, now=now)
    sort = params.sort or (Sort.distance if params.near else Sort.name)
    if sort == Sort.distance and not params.near:
        raise InvalidInputError("sort=distance needs a place to measure from (near)", field="sort")

    stmt = select(col(Asset.id)).outerjoin(Venue, col(Venue.id) == col(Asset.venue_id))
    stmt = stmt.where(col(Asset.status).in_(statuses))
    stmt = stmt.where(*_filters(session, params, now, result))
    distance = None
    if params.near:
        try:
            result.origin = locate(session, query=params.near)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.message, field="near") from exc
        origin = geography_point(result.origin.point)
        limit_m = miles_to_metres(min(params.radius, get_settings().max_radius_miles))
        stmt = stmt.where(func.ST_DWithin(col(Venue.location), origin, limit_m))
        distance = func.ST_Distance(col(Venue.location), origin)
        stmt = stmt.add_columns(distance)
    order = (
        [col(Venue.location).op("<->")(origin), col(Asset.id)]
        if sort == Sort.distance
        else [func.lower(col(Asset.name)), col(Asset.id)]
    )
    stmt = stmt.order_by(*order)
    offset = (params.page - 1) * params.per_page

    computed = params.when is not None or sort == Sort.next
    if computed:
        rows = session.execute(stmt.limit(MAX_COMPUTED_ROWS)).all()
        hits = [h for h in _load(session, rows, now) if _keep(h, params.when, now)]
        if sort == Sort.next:
            far = now + timedelta(days=10_000)
            hits.sort(key=lambda h: (h.next.start if h.next else far, h.asset.name.lower()))
        result.total = len(hits)
        result.hits = hits[offset : offset + params.per_page]
    else:
        result.total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.execute(stmt.limit(params.per_page).offset(offset)).all()
        result.hits = _load(session, rows, now)
    result.towns = town_names(session, result.hits)
    return result


def _load(session: Session, rows: Sequence[Any], now: datetime) -> list[AssetHit]:
    """Load full assets for (id[, distance]) rows, keeping the rows' order."""
    if not rows:
        return []
    ids = [r[0] for r in rows]
    assets = session.execute(
        select(Asset)
        .where(col(Asset.id).in_(ids))
        .options(
            selectinload(Asset.schedules),  # type: ignore[arg-type]
            selectinload(Asset.interests),  # type: ignore[arg-type]
            selectinload(Asset.venue),  # type: ignore[arg-type]
            selectinload(Asset.organisation),  # type: ignore[arg-type]
        )
    ).scalars()
    by_id = {a.id: a for a in assets}
    return [
        AssetHit(
            asset=by_id[r[0]],
            distance_miles=round(metres_to_miles(r[1]), 1) if len(r) > 1 else None,
            next=next_occurrence(by_id[r[0]].schedules, now),
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
