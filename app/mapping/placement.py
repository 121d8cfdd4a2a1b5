""" "Where it could go": for each fellowship with no meeting in a town, the town's venues that
could host one, ranked.

A venue fits when it has rooms for groups, is free or low cost, is step-free, and is usually
free on at least one weekday evening (when most meetings are). Ranking, best first:
1. free before low cost;
2. more weekday evenings free;
3. more of: accessible toilet, hearing loop, near a bus or train;
4. farther from the nearest existing meeting of that fellowship (it fills a bigger gap);
5. name."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import AssetKind
from app.assets.search import search_assets
from app.assets.search_params import SearchParams, Sort
from app.core.geo import latlon_of
from app.mapping.gaps import CORE_FELLOWSHIPS, fellowships_in
from app.places.models import Place, PlaceKind
from app.venues.hosting import HostingFilters, find_hosting_venues
from app.venues.models import WEEKDAY_EVENINGS, AccessFeature, CostBand, Venue

EXTRA_ACCESS = (AccessFeature.accessible_toilet, AccessFeature.hearing_loop,
                AccessFeature.public_transport)  # fmt: skip
SEARCH_MILES = 50


@dataclass
class Candidate:
    venue: Venue
    evenings: list[str]
    access_score: int
    nearest_name: str | None
    nearest_miles: float | None

    def rank_key(self) -> tuple[object, ...]:
        return (self.venue.cost_band != CostBand.free, -len(self.evenings), -self.access_score,
                -(self.nearest_miles if self.nearest_miles is not None else SEARCH_MILES),
                self.venue.name.lower())  # fmt: skip


@dataclass
class Placement:
    town: Place
    fellowship: str
    candidates: list[Candidate]


def _nearest(session: Session, venue: Venue, fellowship: str) -> tuple[str | None, float | None]:
    point = latlon_of(venue.location)
    found = search_assets(
        session,
        params=SearchParams(
            near=f"{point.latitude},{point.longitude}",
            radius=SEARCH_MILES,
            kind=[AssetKind.meeting],
            fellowship=fellowship,
            sort=Sort.distance,
            per_page=1,
        ),  # fmt: skip
    )
    hit = found.hits[0] if found.hits else None
    return (hit.asset.name, hit.distance_miles) if hit else (None, None)


def where_it_could_go(session: Session, *, town_slug: str | None = None) -> list[Placement]:
    stmt = select(Place).where(col(Place.kind) == PlaceKind.town).order_by(col(Place.name))
    if town_slug:
        stmt = stmt.where(col(Place.slug) == town_slug)
    placements = []
    for town in session.execute(stmt).scalars():
        missing = [f for f in CORE_FELLOWSHIPS if f not in fellowships_in(session, town)]
        if not missing:
            continue
        fitting = find_hosting_venues(
            session,
            filters=HostingFilters(town=town.slug, max_cost=CostBand.low,
                                   access=[AccessFeature.step_free.value], slots=WEEKDAY_EVENINGS),
        )  # fmt: skip
        for fellowship in missing:
            candidates = []
            for venue, _ in fitting:
                name, miles = _nearest(session, venue, fellowship)
                candidates.append(
                    Candidate(
                        venue=venue,
                        evenings=[s for s in venue.free_slots if s in WEEKDAY_EVENINGS],
                        access_score=sum(a.value in venue.accessibility for a in EXTRA_ACCESS),
                        nearest_name=name,
                        nearest_miles=miles,
                    )  # fmt: skip
                )
            placements.append(
                Placement(town, fellowship, sorted(candidates, key=Candidate.rank_key))
            )
    return placements
