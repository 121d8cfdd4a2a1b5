"""Is this new entry already listed? Same kind close by with a similar name, or the same venue
at an overlapping time."""

from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus
from app.assets.schemas import AssetCreate
from app.core.geo import LatLon, geography_point, latlon_of
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
    point = _point(session, data)
    if point is None:
        return []
    origin = geography_point(point)
    # Nearby venues first (GiST), then their entries: starting from the asset table, the
    # planner can walk every entry when its statistics lag behind a large import.
    close = session.execute(
        select(col(Venue.id), func.ST_Distance(col(Venue.location), origin)).where(
            func.ST_DWithin(col(Venue.location), origin, NEAR_METRES)
        )
    ).all()
    if not close:
        return []
    metres_to = {int(venue_id): float(metres) for venue_id, metres in close}
    conditions = [
        col(Asset.kind) == data.kind,
        col(Asset.status).in_([AssetStatus.published, AssetStatus.pending_review]),
        col(Asset.venue_id).in_(list(metres_to)),
    ]
    if exclude_id is not None:
        conditions.append(col(Asset.id) != exclude_id)
    nearby = session.execute(
        select(Asset).where(*conditions).options(selectinload(Asset.schedules))  # type: ignore[arg-type]
    ).scalars()
    found = []
    for asset in nearby:
        metres = metres_to[asset.venue_id]
        similar = fuzz.token_set_ratio(asset.name.lower(), data.name.lower()) >= SIMILAR_NAME
        same_place = metres <= SAME_VENUE_METRES or asset.venue_id == data.venue_id
        if similar or (same_place and _overlaps(data, asset)):
            found.append(asset)
    return found
