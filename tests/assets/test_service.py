from datetime import time

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import Session

from app.assets.models import Asset, AssetStatus
from app.assets.schemas import AssetCreate, ScheduleCreate
from app.assets.service import upsert_asset
from app.core.errors import InvalidInputError
from app.mapping.models import Revision
from app.venues.models import VenueCreate

OLDBURY_COUNCIL_HOUSE = VenueCreate(
    name="Test Rooms", postcode="B69 3DE", latitude=52.5046, longitude=-2.0089
)


def make(**overrides: object) -> AssetCreate:
    data: dict[str, object] = {
        "kind": "meeting",
        "name": "Test Thursday SMART",
        "fellowship": "SMART",
        "venue": OLDBURY_COUNCIL_HOUSE,
        "schedules": [ScheduleCreate(frequency="weekly", weekdays=[3], start_time=time(18))],
        "interests": ["mutual-aid"],
        "status": AssetStatus.published,
        "source": "test",
        "external_id": "t-1",
    }
    data.update(overrides)
    return AssetCreate.model_validate(data)


def test_upsert_creates_updates_and_skips_unchanged_with_revisions(session: Session) -> None:
    asset, what = upsert_asset(session, data=make())
    assert what == "created"
    assert asset.venue is not None
    assert asset.venue.town_id is not None, "town derived by point-in-polygon"
    again, what = upsert_asset(session, data=make())
    assert (again.id, what) == (asset.id, "unchanged")
    changed, what = upsert_asset(session, data=make(name="Test Thursday SMART Recovery"))
    assert what == "updated"
    assert changed.version == 2
    revisions = (
        session.execute(
            select(Revision).where(Revision.entity_id == asset.id).order_by(Revision.id)
        )
        .scalars()
        .all()
    )
    assert [r.action for r in revisions] == ["create", "update"]
    assert revisions[1].before
    assert revisions[1].before["name"] == "Test Thursday SMART"
    assert revisions[1].after
    assert revisions[1].after["name"] == "Test Thursday SMART Recovery"


def test_unknown_interest_changes_nothing(session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(Asset))
    with pytest.raises(InvalidInputError, match="unknown interests: knitting-on-mars"):
        upsert_asset(session, data=make(interests=["knitting-on-mars"]))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Asset)) == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"types": ["NOPE"]}, "unknown Meeting Guide type codes: NOPE"),
        ({"venue": None}, "needs a venue"),
        ({"attendance": "online", "venue": None}, "needs an online link"),
        ({"kind": "club", "types": ["O"]}, "only to meetings"),
        ({"schedules": [{"frequency": "weekly", "start_time": "18:00"}]}, "at least one weekday"),
        (
            {"schedules": [{"frequency": "monthly_nth", "weekdays": [4], "start_time": "10:00"}]},
            "nth_week",
        ),
    ],
)
def test_invalid_entries_are_rejected_with_a_message(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        make(**overrides)
