"""The venue register: rooms that could host community groups, and filtering them."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from app.core.timestamps import utcnow
from app.mapping.history import record_revision
from app.mapping.models import EntityType
from app.places.models import Place
from app.venues.models import CostBand, Venue, VenueHosting

AFFORDABLE = {CostBand.free: [CostBand.free], CostBand.low: [CostBand.free, CostBand.low]}


@dataclass
class HostingFilters:
    town: str | None = None
    max_cost: CostBand | None = None  # free: only free; low: free or low
    access: list[str] = field(default_factory=list)  # all of these
    min_capacity: int | None = None
    slots: list[str] = field(default_factory=list)  # any of these
    kitchen: bool = False


def find_hosting_venues(session: Session, *, filters: HostingFilters) -> list[tuple[Venue, str]]:
    """Venues with rooms for groups that match every filter, by town then name."""
    stmt = (
        select(Venue, Place.name)  # type: ignore[call-overload]
        .outerjoin(Place, col(Place.id) == col(Venue.town_id))
        .where(col(Venue.hosts_groups).is_(True))
    )
    if filters.town:
        stmt = stmt.where(col(Place.slug) == filters.town)
    if filters.max_cost in AFFORDABLE:
        stmt = stmt.where(col(Venue.cost_band).in_(AFFORDABLE[filters.max_cost]))
    if filters.access:
        stmt = stmt.where(col(Venue.accessibility).contains(filters.access))
    if filters.min_capacity:
        stmt = stmt.where(col(Venue.room_capacity) >= filters.min_capacity)
    if filters.slots:
        stmt = stmt.where(col(Venue.free_slots).op("&&")(filters.slots))
    if filters.kitchen:
        stmt = stmt.where(col(Venue.kitchen).is_(True))
    rows = session.execute(stmt.order_by(col(Place.name), col(Venue.name))).all()
    return [(venue, town or "Outside the towns") for venue, town in rows]


def set_hosting(
    session: Session, *, venue: Venue, data: VenueHosting, user_id: int | None
) -> Venue:
    before = data.model_validate(venue, from_attributes=True).model_dump(mode="json")
    for key, value in data.model_dump().items():
        setattr(venue, key, value)
    venue.hosting_checked_at = utcnow()
    session.add(venue)
    session.flush()
    assert venue.id is not None
    record_revision(
        session, entity_type=EntityType.venue, entity_id=venue.id, action="hosting",
        before=before, after=data.model_dump(mode="json"), user_id=user_id,
    )  # fmt: skip
    return venue
