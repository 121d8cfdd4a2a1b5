"""Is an imported record something a mapper already typed in? Sure matches are linked to the
manual entry (every difference then goes to review); doubtful ones are imported for review with
a note pointing at the entry they may duplicate. We ask rather than guess."""

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.assets.models import Asset
from app.assets.schemas import AssetCreate
from app.core.geo import LatLon, geography_point
from app.mapping.duplicates import find_duplicates
from app.venues.models import Venue

SURE_NAME = 90  # rapidfuzz token_set_ratio, 0–100
SURE_METRES = 100


@dataclass
class Match:
    sure: Asset | None = None  # a manual entry this record certainly is
    maybe: Asset | None = None  # an entry it may duplicate: a coordinator decides


def match_existing(session: Session, *, data: AssetCreate, source: str) -> Match:
    if data.venue is None:
        return Match()
    candidates = [a for a in find_duplicates(session, data=data) if a.source != source]
    if not candidates:
        return Match()
    point = geography_point(LatLon(data.venue.latitude, data.venue.longitude))
    sure = []
    for asset in candidates:
        metres = session.execute(
            select(func.ST_Distance(col(Venue.location), point)).where(
                col(Venue.id) == asset.venue_id
            )
        ).scalar_one()
        name = fuzz.token_set_ratio(asset.name.lower(), data.name.lower())
        if asset.source == "manual" and name >= SURE_NAME and metres <= SURE_METRES:
            sure.append(asset)
    if len(sure) == 1:
        return Match(sure=sure[0])
    return Match(maybe=candidates[0])
