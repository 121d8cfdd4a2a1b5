"""Venues: create or reuse, with the town derived from the location on save."""

from sqlalchemy import func, select
from sqlmodel import Session

from app.core.geo import LatLon, geography_point, point_element
from app.places.service import town_containing
from app.venues.models import Venue, VenueCreate

# Two records closer than this with the same name are the same building.
SAME_VENUE_METRES = 30


def save_venue(session: Session, *, data: VenueCreate) -> Venue:
    """Reuse a venue of the same name within a few metres, otherwise create one."""
    point = LatLon(data.latitude, data.longitude)
    existing = session.execute(
        select(Venue)
        .where(
            func.lower(Venue.name) == data.name.lower(),
            func.ST_DWithin(Venue.location, geography_point(point), SAME_VENUE_METRES),
        )
        .limit(1)
    ).scalar_one_or_none()
    venue = existing or Venue(name=data.name, location=point_element(point))
    for field in ("address_line1", "address_line2", "locality", "postcode", "directions"):
        setattr(venue, field, getattr(data, field))
    venue.accessibility = sorted(a.value for a in data.accessibility)
    venue.location = point_element(point)
    town = town_containing(session, point=point)
    venue.town_id = town.id if town else None
    session.add(venue)
    session.flush()
    return venue
