"""Venues: create or reuse, with the town derived from the location on save."""

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.core.geo import LatLon, geography_point, latlon_of, point_element
from app.places.service import town_containing_query
from app.venues.models import Venue, VenueCreate

# Two records closer than this with the same name are the same building.
SAME_VENUE_METRES = 30


def save_venue(session: Session, *, data: VenueCreate) -> Venue:
    """Reuse a venue of the same name within a few metres, otherwise create one."""
    point = LatLon(data.latitude, data.longitude)
    name = data.name.lower()
    for pending in session.new:  # a venue added earlier in an import's unflushed batch
        if (  # the name first: reading a pending point back is the slow part
            isinstance(pending, Venue)
            and pending.name.lower() == name
            and latlon_of(pending.location) == point
        ):
            return pending
    same = (
        select(col(Venue.id))
        .where(
            func.lower(Venue.name) == data.name.lower(),
            func.ST_DWithin(Venue.location, geography_point(point), SAME_VENUE_METRES),
        )
        .limit(1)
        .scalar_subquery()
    )
    # One round trip for both questions: importers save thousands of venues in a run.
    existing_id, town_id = session.execute(
        select(same, town_containing_query(point=point).scalar_subquery())
    ).one()
    existing = session.get(Venue, existing_id) if existing_id else None
    venue = existing or Venue(name=data.name, location=point_element(point))
    for field in ("address_line1", "address_line2", "locality", "postcode", "directions"):
        setattr(venue, field, getattr(data, field))
    venue.accessibility = sorted(a.value for a in data.accessibility)
    venue.location = point_element(point)
    venue.town_id = town_id
    session.add(venue)  # inserted with the entry that uses it, in the same flush
    return venue
