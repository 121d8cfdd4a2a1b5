"""What an import may and may not change: untouched fields follow the source, a field a person
edited survives (the source's change goes to review), a mapper's own entry is recognised, and a
record that cannot be placed is kept for pinning."""

import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.auth import SignedIn
from app.accounts.models import Role, UserCreate
from app.accounts.service import create_user
from app.accounts.sessions import UserSession
from app.assets.models import Asset, AssetStatus
from app.assets.service import create_asset, create_from_snapshot, snapshot
from app.core.errors import InvalidInputError
from app.imports.service import ImportReport, run_import
from app.mapping.models import ChangeStatus, PendingChange
from app.mapping.workflow import approve_asset, approve_change, submit_edit
from scrapers.base import SourceOptions
from scrapers.meeting_guide import MeetingGuideSource

SOURCE = "merge-intergroup"


@pytest.fixture
def coordinator(session: Session) -> SignedIn:
    user = create_user(session, data=UserCreate(
        email="merge-coordinator@example.org", display_name="C", role=Role.coordinator,
        password="long enough pw"))  # fmt: skip
    login = UserSession(token_hash="x", user_id=user.id or 0, csrf_token="x", expires_at=None)
    return SignedIn(user=user, session=login)


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "name": "Langley Serenity", "slug": "langley-serenity", "day": 2, "time": "19:30",
        "end_time": "21:00", "types": ["O", "D"], "location": "Langley Methodist Hall",
        "formatted_address": "5 Causeway, Oldbury, B68 8AA, UK",
        "latitude": 52.4921, "longitude": -2.0049, "notes": "Ring the bell",
    }  # fmt: skip
    return {**base, **changes}


def run(session: Session, *rows: dict[str, Any], trusted: bool = True) -> ImportReport:
    payload = json.dumps(list(rows)).encode()
    records = MeetingGuideSource().records(payload, SourceOptions(name=SOURCE, fellowship="AA"))
    return run_import(session, source=SOURCE, records=records, trusted=trusted)


def imported(session: Session, slug: str = "langley-serenity") -> Asset:
    asset = session.execute(
        text("SELECT id FROM asset WHERE source = :s AND external_id = :e"),
        {"s": SOURCE, "e": slug},
    ).scalar_one()
    return session.get_one(Asset, asset)


def counts(session: Session) -> tuple[int, ...]:
    query = (
        "SELECT (SELECT count(*) FROM asset), (SELECT count(*) FROM revision), "
        "(SELECT count(*) FROM pending_change), (SELECT count(*) FROM suggestion)"
    )
    return tuple(session.execute(text(query)).one())


def edit_by_hand(session: Session, asset: Asset, by: SignedIn, **fields: Any) -> None:
    data = create_from_snapshot({**snapshot(asset), **fields})
    submit_edit(session, asset=asset, data=data, version=asset.version, by=by)


def test_an_upstream_change_updates_only_untouched_fields_and_a_human_edit_survives(
    session: Session, coordinator: SignedIn
) -> None:
    assert run(session, row()).created == 1
    asset = imported(session)
    edit_by_hand(session, asset, coordinator, name="Langley Serenity Group (upstairs)")
    before = counts(session)

    report = run(session, row(name="Langley Serenity AA", notes="Use the side door", time="19:00"))

    assert report.updated == 1 and report.for_review == 1
    session.refresh(asset)
    assert asset.name == "Langley Serenity Group (upstairs)", "the person's name is kept"
    assert asset.description == "Use the side door", "an untouched field follows the source"
    assert asset.schedules[0].start_time.strftime("%H:%M") == "19:00"
    change = session.execute(
        text("SELECT id FROM pending_change WHERE asset_id = :a AND status = 'open'"),
        {"a": asset.id},
    ).scalar_one()
    proposed = session.get_one(PendingChange, change).proposed
    assert proposed["name"] == "Langley Serenity AA", "the source's value waits for review"
    assert counts(session)[2] == before[2] + 1

    # The same feed again: nothing new, no second review item.
    again = run(session, row(name="Langley Serenity AA", notes="Use the side door", time="19:00"))
    assert again.unchanged == 1 and again.for_review == 0

    # A coordinator takes the source's name: the field follows the source again.
    approve_change(session, change=session.get_one(PendingChange, change), by=coordinator)
    session.refresh(asset)
    assert asset.name == "Langley Serenity AA"
    assert session.get_one(PendingChange, change).status == ChangeStatus.approved
    third = run(session, row(name="Langley Serenity", notes="Use the side door", time="19:00"))
    assert third.updated == 1 and third.for_review == 0
    session.refresh(asset)
    assert asset.name == "Langley Serenity"


def test_a_record_matching_a_mappers_entry_is_linked_and_differences_go_to_review(
    session: Session,
) -> None:
    run(session, row(slug="seed-only", name="Placeholder"), trusted=True)  # places the venue
    manual = create_from_snapshot(
        {**snapshot(imported(session, "seed-only")), "name": "Langley Serenity Group",
         "description": "Our own words", "status": "published"}
    )  # fmt: skip
    mine = create_asset(session, data=manual)
    assert mine.source == "manual"

    report = run(session, row(slug="seed-only", name="Placeholder"), row(notes="Ring the bell"))

    assert report.matched == 1 and report.created == 0 and report.for_review == 1
    session.refresh(mine)
    assert (mine.source, mine.external_id) == (SOURCE, "langley-serenity")
    assert mine.description == "Our own words", "a mapper's entry keeps its words"
    proposed = session.execute(
        text("SELECT proposed FROM pending_change WHERE asset_id = :a"), {"a": mine.id}
    ).scalar_one()
    assert proposed["description"] == "Ring the bell"


def test_a_doubtful_match_is_imported_for_review_with_a_note(session: Session) -> None:
    demo = session.execute(
        text("SELECT a.name, ST_Y(v.location::geometry) AS lat, ST_X(v.location::geometry) AS lon "
             "FROM asset a JOIN venue v ON v.id = a.venue_id WHERE a.kind = 'meeting' "
             "AND a.status = 'published' ORDER BY a.id LIMIT 1")
    ).one()  # fmt: skip
    report = run(session, row(name=demo.name, latitude=demo.lat, longitude=demo.lon), trusted=True)
    assert report.created == 1 and report.matched == 0
    asset = imported(session)
    assert asset.status == AssetStatus.pending_review, "trusted, but unsure: a person decides"
    note = session.execute(
        text("SELECT message FROM suggestion WHERE asset_id = :a"), {"a": asset.id}
    ).scalar_one()
    assert "may be the same as" in note and demo.name in note


def test_a_record_that_cannot_be_placed_is_kept_for_a_mapper_to_pin(
    session: Session, coordinator: SignedIn
) -> None:
    unplaceable = row(latitude=0, longitude=0, formatted_address="The Old School, Somewhere")
    report = run(session, unplaceable, trusted=True)
    assert report.created == 1 and report.unplaced == [
        ("langley-serenity", "Langley Serenity — Langley Methodist Hall, The Old School")
    ]
    asset = imported(session)
    assert asset.status == AssetStatus.pending_review and asset.venue_id is None
    with pytest.raises(InvalidInputError, match="pin this entry"):
        approve_asset(session, asset=asset, by=coordinator)


def test_one_batch_shares_a_venue_and_keeps_slugs_unique(session: Session) -> None:
    """New entries are written many per flush: two meetings of one group at one hall in the
    same batch get one venue and two addresses."""
    report = run(session, row(slug="mon", day=1), row(slug="thu", day=4))
    assert report.created == 2
    rows = session.execute(
        text("SELECT a.slug, a.venue_id FROM asset a WHERE a.source = :s ORDER BY a.id"),
        {"s": SOURCE},
    ).all()
    assert len({r.slug for r in rows}) == 2 and len({r.venue_id for r in rows}) == 1
    revisions = session.execute(
        text("SELECT count(*) FROM revision r JOIN asset a ON a.id = r.entity_id "
             "WHERE r.entity_type = 'asset' AND a.source = :s AND r.action = 'create'"),
        {"s": SOURCE},
    ).scalar_one()  # fmt: skip
    assert revisions == 2
