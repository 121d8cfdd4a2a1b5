"""Creating many entries at once (an import's batch): slugs, venues and duplicate checks are
one query each for the batch, and give what one-at-a-time creation gives."""

from sqlalchemy import func, select
from sqlmodel import Session

from app.assets.models import Asset
from app.assets.service import create_asset, create_assets, unique_slugs
from app.mapping.duplicates import find_duplicates, find_duplicates_of_many
from app.places.models import Place
from app.venues.models import Venue, VenueCreate
from app.venues.service import save_venues
from tests.assets.test_service import OLDBURY_COUNCIL_HOUSE, make


def test_unique_slugs_skip_taken_ones_pending_ones_and_each_other(session: Session) -> None:
    for n in range(11):  # "batch-slug", "batch-slug-2" … "batch-slug-11": past one lookahead
        create_asset(session, data=make(name="Batch Slug", external_id=f"s{n}"))
    taken = set(session.execute(select(Asset.slug).where(Asset.slug.like("batch-slug%"))).scalars())
    assert len(taken) == 11
    slugs = unique_slugs(session, bases=["batch-slug", "batch-slug", "fresh-slug", "fresh-slug"])
    assert slugs == ["batch-slug-12", "batch-slug-13", "fresh-slug", "fresh-slug-2"]
    # Added but not flushed: the next batch must not reuse them.
    create_assets(session, data=[make(name="Fresh Slug", external_id="f1")])
    assert unique_slugs(session, bases=["fresh-slug"]) == ["fresh-slug-2"]


def test_save_venues_reuses_existing_shares_new_ones_and_sets_towns(session: Session) -> None:
    existing = create_asset(session, data=make()).venue
    assert existing is not None
    hall = VenueCreate(name="Batch Hall", postcode="B69 2AA", latitude=52.51, longitude=-2.02)
    far = VenueCreate(name="Test Rooms", postcode="WS1 1AA", latitude=52.586, longitude=-1.982)
    before = session.scalar(select(func.count()).select_from(Venue))
    venues = save_venues(
        session, data=[OLDBURY_COUNCIL_HOUSE.model_copy(update={"name": "TEST ROOMS"}), hall,
                       hall, far],
    )  # fmt: skip
    assert venues[0] is existing, "same name (any case) within 30 m: the same venue"
    assert venues[1] is venues[2], "the same new hall twice in a batch: one venue"
    assert venues[3] is not existing, "same name 9 km away: another building"
    session.flush()
    assert session.scalar(select(func.count()).select_from(Venue)) == before + 2
    towns = {p.id: p.slug for p in session.execute(select(Place)).scalars()}
    assert towns[venues[1].town_id] == "oldbury"
    assert venues[1].locality == "Oldbury", "an address without its town: the point's town"
    assert venues[3].town_id is None, "Walsall is outside the mapped towns"
    assert venues[3].locality is None


def test_duplicates_of_many_equal_one_at_a_time(session: Session) -> None:
    mine = create_asset(session, data=make(name="Oldbury Thursday SMART", external_id=None,
                                           source="manual"))  # fmt: skip
    batch = [
        make(name="Oldbury Thursday SMART Group", external_id="d1"),  # similar name, same place
        make(name="Completely Different", external_id="d2"),  # same place, overlapping time
        make(name="Oldbury Thursday SMART", external_id="d3",
             venue=VenueCreate(name="Far", latitude=52.586, longitude=-1.982)),  # far away
        make(name="No Venue Yet", external_id="d4", venue=None, place_later=True),
    ]  # fmt: skip
    many = find_duplicates_of_many(session, data=batch)
    assert [[a.id for a, _ in found] for found in many] == [
        [a.id for a in find_duplicates(session, data=d)] for d in batch
    ]
    assert [a.id for a, _ in many[0]] == [mine.id]
    assert [a.id for a, _ in many[1]] == [mine.id]
    assert many[2] == [] and many[3] == []
    assert many[0][0][1] < 1.0, "distance in metres to the candidate's venue"
