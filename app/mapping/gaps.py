"""What there isn't: kinds and fellowships missing from each town (the gap report)."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.assets.models import Asset, AssetKind, AssetStatus
from app.assets.present import asset_public
from app.assets.schemas import AssetPublic
from app.assets.search import search_assets
from app.assets.search_params import SearchParams, Sort
from app.places.models import Place, PlaceKind
from app.venues.models import Venue

# Fellowships whose absence from a town is worth saying out loud.
CORE_FELLOWSHIPS = ("AA", "NA", "CA", "SMART")


@dataclass
class FellowshipGap:
    fellowship: str
    nearest: AssetPublic | None


@dataclass
class TownGaps:
    town: Place
    missing_kinds: list[AssetKind]
    missing_fellowships: list[str]


def fellowships_in(session: Session, town: Place) -> set[str]:
    rows = session.execute(
        select(col(Asset.fellowship))
        .join(Venue, col(Venue.id) == col(Asset.venue_id))
        .where(
            col(Venue.town_id) == town.id,
            col(Asset.status) == AssetStatus.published,
            col(Asset.kind) == AssetKind.meeting,
            col(Asset.fellowship).is_not(None),
        )
        .distinct()
    ).scalars()
    return {f for f in rows if f}


def fellowship_gaps(session: Session, town: Place) -> list[FellowshipGap]:
    """For each core fellowship with no meeting in the town, the nearest one anywhere."""
    present = fellowships_in(session, town)
    gaps = []
    for fellowship in CORE_FELLOWSHIPS:
        if fellowship in present:
            continue
        nearest = search_assets(
            session,
            params=SearchParams(
                near=town.name, radius=50, kind=[AssetKind.meeting], fellowship=fellowship,
                sort=Sort.distance, per_page=1,
            ),
        )  # fmt: skip
        hit = [asset_public(h, nearest.towns, nearest.now) for h in nearest.hits]
        gaps.append(FellowshipGap(fellowship, hit[0] if hit else None))
    return gaps


def town_gaps(session: Session) -> list[TownGaps]:
    """Every town with the kinds and core fellowships it has nothing of."""
    towns = session.execute(
        select(Place).where(col(Place.kind) == PlaceKind.town).order_by(col(Place.name))
    ).scalars()
    report = []
    for town in towns:
        kinds = set(
            session.execute(
                select(col(Asset.kind), func.count())
                .join(Venue, col(Venue.id) == col(Asset.venue_id))
                .where(col(Venue.town_id) == town.id, col(Asset.status) == AssetStatus.published)
                .group_by(col(Asset.kind))
            ).scalars()
        )
        present = fellowships_in(session, town)
        report.append(
            TownGaps(
                town=town,
                missing_kinds=[k for k in AssetKind if k not in kinds],
                missing_fellowships=[f for f in CORE_FELLOWSHIPS if f not in present],
            )
        )
    return report
