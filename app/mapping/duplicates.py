"""Is this new entry already listed? Same kind close by with a similar name, or the same venue
at an overlapping time."""

from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus
from app.assets.schemas import AssetCreate
from app.core.geo import LatLon, latlon_of, point_rows, row_geography
from app.venues.models import Venue
from app.venues.service import SAME_VENUE_METRES

NEAR_METRES = 200
SIMILAR_NAME = 75  # rapidfuzz token_set_ratio, 0–100
OVERLAP = timedelta(minutes=60)


def _point(session: Session, data: AssetCreate) -> LatLon | None:
    if data.venue is not None:
        return LatLon(data.venue.latitude, data.venue.longitude)
    if data.venue_id is not None:
        venue = session.get(Venue, data.venue_id)
        return latlon_of(venue.location) if venue else None
    return None


def _overlaps(data: AssetCreate, asset: Asset) -> bool:
    for mine in data.schedules:
        for theirs in asset.schedules:
            if set(mine.weekdays) & set(theirs.weekdays):
                a = datetime.combine(datetime.min, mine.start_time)
                b = datetime.combine(datetime.min, theirs.start_time)
                if abs(a - b) < OVERLAP:
                    return True
    return False


def find_duplicates(
    session: Session, *, data: AssetCreate, exclude_id: int | None = None
) -> list[Asset]:
    return [a for a, _ in find_duplicates_of_many(session, data=[data], exclude_id=exclude_id)[0]]


def find_duplicates_of_many(
    session: Session, *, data: list[AssetCreate], exclude_id: int | None = None
) -> list[list[tuple[Asset, float]]]:
    """Each entry's possible duplicates, with their distance in metres, nearest first: one
    query for a whole batch (an import's), plus one for the candidates' schedules."""
    found: list[list[tuple[Asset, float]]] = [[] for _ in data]
    placed = [(n, point) for n, d in enumerate(data) if (point := _point(session, d)) is not None]
    if not placed:
        return found
    rows = point_rows([p for _, p in placed], kind=[data[n].kind.value for n, _ in placed])
    # Nearby venues first (GiST), then their entries: joined the other way round, the planner
    # can walk every entry when its statistics lag behind a large import.
    close = (
        select(
            rows.c.n, rows.c.kind, col(Venue.id).label("venue_id"),
            func.ST_Distance(col(Venue.location), row_geography(rows)).label("metres"),
        )
        .join(Venue, func.ST_DWithin(col(Venue.location), row_geography(rows), NEAR_METRES))
        .cte("close")
        .prefix_with("MATERIALIZED")
    )  # fmt: skip
    stmt = (
        select(close.c.n, close.c.metres, Asset)
        .join(Asset, col(Asset.venue_id) == close.c.venue_id)
        .where(
            col(Asset.kind) == close.c.kind,
            col(Asset.status).in_([AssetStatus.published, AssetStatus.pending_review]),
        )
        .order_by(close.c.n, close.c.metres, col(Asset.id))
        .options(selectinload(Asset.schedules))  # type: ignore[arg-type]
    )
    if exclude_id is not None:
        stmt = stmt.where(col(Asset.id) != exclude_id)
    for n, metres, asset in session.execute(stmt):
        index = placed[n - 1][0]  # rows are numbered from 1 in `placed` order
        item = data[index]
        similar = fuzz.token_set_ratio(asset.name.lower(), item.name.lower()) >= SIMILAR_NAME
        same_place = metres <= SAME_VENUE_METRES or asset.venue_id == item.venue_id
        if similar or (same_place and _overlaps(item, asset)):
            found[index].append((asset, float(metres)))
    return found
