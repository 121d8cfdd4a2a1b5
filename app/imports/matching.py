"""Is an imported record something a mapper already typed in? Sure matches are linked to the
manual entry (every difference then goes to review); doubtful ones are imported for review with
a note pointing at the entry they may duplicate. We ask rather than guess."""

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlmodel import Session

from app.assets.models import Asset
from app.assets.schemas import AssetCreate
from app.mapping.duplicates import find_duplicates_of_many

SURE_NAME = 90  # rapidfuzz token_set_ratio, 0–100
SURE_METRES = 100


@dataclass
class Match:
    sure: Asset | None = None  # a manual entry this record certainly is
    maybe: Asset | None = None  # an entry it may duplicate: a coordinator decides


def match_many(session: Session, *, data: list[AssetCreate], source: str) -> list[Match]:
    """Each record's match (an import's batch: one query for all of them)."""
    placed = [d for d in data if d.venue is not None]  # records to pin match nothing
    found = iter(find_duplicates_of_many(session, data=placed))
    return [_match(next(found), item, source) if item.venue else Match() for item in data]


def _match(found: list[tuple[Asset, float]], data: AssetCreate, source: str) -> Match:
    candidates = [(asset, metres) for asset, metres in found if asset.source != source]
    if not candidates:
        return Match()
    sure = [
        asset
        for asset, metres in candidates
        if asset.source == "manual"
        and fuzz.token_set_ratio(asset.name.lower(), data.name.lower()) >= SURE_NAME
        and metres <= SURE_METRES
    ]
    if len(sure) == 1:
        return Match(sure=sure[0])
    return Match(maybe=candidates[0][0])
