"""The access filter reads the venue's features copied onto each entry (migration 0018): the
copy follows venue edits and moves, and the filter finds what the venues say, no more, no less."""

from sqlalchemy import text
from sqlmodel import Session

from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import upsert_asset
from app.venues.models import Venue, VenueCreate
from tests.assets.test_service import make


def _found(session: Session, *access: str) -> set[int]:
    params = SearchParams.model_validate({"access": list(access)})
    return {h.asset.id for h in search_assets(session, params=params, paginate=False).hits}


def _by_venue(session: Session, *access: str) -> set[int]:
    """The same question asked of the venues themselves."""
    rows = session.execute(
        text(
            "SELECT a.id FROM asset a JOIN venue v ON v.id = a.venue_id "
            "WHERE a.status = 'published' AND v.accessibility @> CAST(:needs AS varchar[])"
        ),
        {"needs": list(access)},
    )
    return {r[0] for r in rows}


def test_the_filter_finds_what_the_venues_say(session: Session) -> None:
    for needs in (["step_free"], ["step_free", "hearing_loop"], ["quiet_room"]):
        assert _found(session, *needs) == _by_venue(session, *needs)
    assert _by_venue(session, "step_free"), "the demo data has step-free venues"


def test_the_copy_follows_a_venue_edit_and_a_move(session: Session) -> None:
    asset, _ = upsert_asset(session, data=make())
    assert asset.id is not None and asset.venue_id is not None
    assert asset.id not in _found(session, "step_free")
    venue = session.get(Venue, asset.venue_id)
    assert venue is not None
    venue.accessibility = ["step_free", "hearing_loop"]
    session.add(venue)
    session.flush()
    assert asset.id in _found(session, "step_free", "hearing_loop")
    # Moved to a venue without step-free access: the entry leaves the filter's results.
    other = VenueCreate(name="Upstairs Room", postcode="B69 3DE", latitude=52.5, longitude=-2.0)
    moved, _ = upsert_asset(session, data=make(venue=other, name="Test Thursday SMART moved"))
    assert moved.id == asset.id
    assert asset.id not in _found(session, "step_free")
    assert _found(session, "step_free") == _by_venue(session, "step_free")
