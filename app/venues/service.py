"""Venues: create or reuse, with the town derived from the location on save."""

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.core.geo import LatLon, latlon_of, point_element, point_rows, row_geography, row_geometry
from app.places.service import town_containing_query, town_names
from app.venues.models import Venue, VenueCreate

# Two records closer than this with the same name are the same building.
SAME_VENUE_METRES = 30


def save_venue(session: Session, *, data: VenueCreate) -> Venue:
    """Reuse a venue of the same name within a few metres, otherwise create one."""
    return save_venues(session, data=[data])[0]


def save_venues(session: Session, *, data: list[VenueCreate]) -> list[Venue]:
    """`save_venue` for many (an import's batch) in one query: each one's same-named venue
    within a few metres, if any, and its town (also its locality when the address gives
    none). Records of the batch naming the same hall at the same point share one new venue."""
    if not data:
        return []
    points = [LatLon(d.latitude, d.longitude) for d in data]
    rows = point_rows(points, name=[d.name.lower() for d in data])
    same = (
        select(col(Venue.id))
        .where(
            func.lower(col(Venue.name)) == rows.c.name,
            func.ST_DWithin(col(Venue.location), row_geography(rows), SAME_VENUE_METRES),
        )
        .limit(1)
        .scalar_subquery()
    )
    town = town_containing_query(at=row_geometry(rows)).scalar_subquery()
    found = session.execute(select(rows.c.n, same, town).order_by(rows.c.n)).all()
    existing_ids = [venue_id for _, venue_id, _ in found if venue_id is not None]
    existing: dict[int | None, Venue] = {}
    if existing_ids:  # one query for the venues being reused, none when all are new
        reused = session.execute(select(Venue).where(col(Venue.id).in_(existing_ids))).scalars()
        existing = {v.id: v for v in reused}
    new = _pending_venues(session)
    # An address that does not name its town is given the one its point is in.
    names = town_names(session) if any(not d.locality for d in data) else {}
    venues = []
    for item, point, (_, venue_id, town_id) in zip(data, points, found, strict=True):
        venue = existing.get(venue_id) or new.get((item.name.lower(), point))
        if venue is None:
            venue = new[(item.name.lower(), point)] = Venue(
                name=item.name, location=point_element(point)
            )
        for field in ("address_line1", "address_line2", "postcode", "directions"):
            setattr(venue, field, getattr(item, field))
        venue.locality = item.locality or (names.get(town_id) if town_id else None)
        venue.accessibility = sorted(a.value for a in item.accessibility)
        venue.location = point_element(point)
        venue.town_id = town_id
        session.add(venue)  # inserted with the entry that uses it, in the same flush
        venues.append(venue)
    return venues


def _pending_venues(session: Session) -> dict[tuple[str, LatLon], Venue]:
    """Venues added but not flushed yet (an import's batch), which the query cannot see."""
    return {(v.name.lower(), latlon_of(v.location)): v for v in session.new if isinstance(v, Venue)}
