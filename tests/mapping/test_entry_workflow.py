"""Adding and editing entries through the forms, and the coordinators' review."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlmodel import Session

from app.accounts.models import Role
from app.assets.models import Asset, AssetStatus
from app.core.timestamps import utcnow
from app.mapping.models import PendingChange
from tests.mapping.forms import meeting_form
from tests.signin import sign_in


def counts(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.execute(
            text(
                "SELECT (SELECT count(*) FROM asset), (SELECT count(*) FROM venue), "
                "(SELECT count(*) FROM schedule)"
            )  # fmt: skip
        ).one()
    )


def created(session: Session, name: str) -> Asset:
    return session.execute(select(Asset).where(Asset.name == name)).scalar_one()


def test_mapper_adds_a_meeting_it_waits_then_a_coordinator_publishes_it(
    client: TestClient, session: Session
) -> None:
    csrf = sign_in(client, session, Role.mapper)
    response = client.post("/mapper/assets/new", data=meeting_form(csrf), follow_redirects=False)
    assert response.status_code == 303
    asset = created(session, "Smethwick Thursday Steps")
    assert asset.status == AssetStatus.pending_review
    assert asset.venue is not None and asset.venue.town_id is not None
    public = client.get("/api/v1/assets", params={"q": "Thursday Steps"}).json()
    assert public["total"] == 0, "not public until reviewed"
    assert (
        client.post(
            f"/mapper/review/assets/{asset.id}", data={"csrf": csrf, "decision": "approve"}
        ).status_code
        == 403
    )
    client.cookies.clear()
    csrf = sign_in(client, session, Role.coordinator)
    queue = client.get("/mapper/review").text
    assert "Smethwick Thursday Steps" in queue
    client.post(f"/mapper/review/assets/{asset.id}", data={"csrf": csrf, "decision": "approve"})
    session.refresh(asset)
    assert asset.status == AssetStatus.published
    assert client.get(f"/assets/{asset.id}").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Give it a name"),
        ({"s0_end": "17:00"}, "s0", "end time is before the start time"),
        (
            {"venue_lat": None, "venue_lon": None, "venue_postcode": "ZZ99 9ZZ"},
            "venue_postcode",
            "Postcode ZZ99 9ZZ is not known",
        ),
        ({"venue_lat": "91", "venue_postcode": ""}, "venue_lat", "Latitude must be between"),
        (
            {"attendance": "online", "venue_name": "", "online_url": ""},
            "form",
            "needs an online link or phone number",
        ),
    ],
)
def test_invalid_entries_come_back_with_messages_and_store_nothing(
    client: TestClient, session: Session, changes: dict[str, object], field: str, message: str
) -> None:
    csrf = sign_in(client, session, Role.mapper)
    before = counts(session)
    response = client.post("/mapper/assets/new", data=meeting_form(csrf, **changes))
    assert response.status_code == 422
    assert message in response.text
    assert f'id="e-{field}"' in response.text or field == "form"
    assert 'value="Uplands Community Room"' in response.text or "venue_name" in changes
    assert counts(session) == before


def test_duplicate_warning_then_confirm(client: TestClient, session: Session) -> None:
    csrf = sign_in(client, session, Role.mapper)
    existing = created(session, "Smethwick SMART Recovery")
    venue = existing.venue
    assert venue is not None
    from app.core.geo import latlon_of

    point = latlon_of(venue.location)
    form = meeting_form(csrf, name="SMART Recovery Smethwick", fellowship="SMART", types=[],
                        s0_days=["thu"], venue_lat=str(point.latitude + 0.0005),
                        venue_lon=str(point.longitude), venue_name="Community centre")  # fmt: skip
    warned = client.post("/mapper/assets/new", data=form)
    assert warned.status_code == 409
    assert "This may already be listed" in warned.text
    assert f"/mapper/assets/{existing.id}/edit" in warned.text
    saved = client.post("/mapper/assets/new", data={**form, "confirm_different": "yes"},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303


def test_preview_shows_the_next_five_dates_without_saving(
    client: TestClient, session: Session
) -> None:
    csrf = sign_in(client, session, Role.mapper)
    before = counts(session)
    page = client.post("/mapper/assets/new", data=meeting_form(csrf, action="preview")).text
    assert (
        page.count("Tue ") + page.count("Tomorrow") + page.count("Tonight") + page.count("Today")
        >= 5
    )
    assert counts(session) == before


def test_mapper_edit_to_a_published_entry_waits_and_coordinator_approves(
    client: TestClient, session: Session
) -> None:
    asset = created(session, "Tipton Canal Side AA")
    csrf = sign_in(client, session, Role.mapper)
    form = client.get(f"/mapper/assets/{asset.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    from app.mapping.asset_form import values_from_asset

    values = values_from_asset(asset) | {
        "csrf": csrf,
        "version": version,
        "name": "Tipton Canal AA",
    }
    assert (
        client.post(
            f"/mapper/assets/{asset.id}/edit", data=values, follow_redirects=False
        ).status_code
        == 303
    )
    session.refresh(asset)
    assert asset.name == "Tipton Canal Side AA", "the public entry is unchanged until approved"
    change = session.execute(
        select(PendingChange).where(PendingChange.asset_id == asset.id)
    ).scalar_one()
    client.cookies.clear()
    coordinator = sign_in(client, session, Role.coordinator)
    assert "Tipton Canal AA" in client.get("/mapper/review").text
    client.post(
        f"/mapper/review/changes/{change.id}", data={"csrf": coordinator, "decision": "approve"}
    )
    session.refresh(asset)
    assert asset.name == "Tipton Canal AA"


def test_concurrent_edits_conflict_instead_of_overwriting(
    client: TestClient, session: Session
) -> None:
    asset = created(session, "Wednesbury SMART Recovery")
    csrf = sign_in(client, session, Role.coordinator)
    from app.mapping.asset_form import values_from_asset

    opened = values_from_asset(asset) | {"csrf": csrf}
    first = client.post(f"/mapper/assets/{asset.id}/edit", data=opened | {"name": "First edit"},
                        follow_redirects=False)  # fmt: skip
    assert first.status_code == 303
    second = client.post(f"/mapper/assets/{asset.id}/edit", data=opened | {"name": "Second edit"})
    assert second.status_code == 409
    assert "Someone else changed" in second.text and "Second edit" in second.text
    session.refresh(asset)
    assert asset.name == "First edit"


def test_history_and_admin_restore(client: TestClient, session: Session) -> None:
    asset = created(session, "Wednesbury Table Tennis")
    csrf = sign_in(client, session, Role.admin)
    from app.mapping.asset_form import values_from_asset

    renamed = values_from_asset(asset) | {"csrf": csrf, "name": "Ping Pong Club"}
    client.post(f"/mapper/assets/{asset.id}/edit", data=renamed)
    history = client.get(f"/mapper/assets/{asset.id}/history").text
    assert "Ping Pong Club" in history and "Wednesbury Table Tennis" in history
    created_revision = re.findall(rf"/mapper/assets/{asset.id}/restore/(\d+)", history)[-1]
    client.post(f"/mapper/assets/{asset.id}/restore/{created_revision}", data={"csrf": csrf})
    session.refresh(asset)
    assert asset.name == "Wednesbury Table Tennis"
    assert "Restore" in client.get(f"/mapper/assets/{asset.id}/history").text


def test_merge_archives_the_loser_and_its_page_redirects(
    client: TestClient, session: Session
) -> None:
    loser, winner = (
        created(session, "Oldbury Canal Walk"),
        created(session, "Rowley Hills Walking Group"),
    )
    csrf = sign_in(client, session, Role.coordinator)
    client.post(f"/mapper/assets/{loser.id}/merge", data={"csrf": csrf, "into": str(winner.id)})
    session.refresh(loser)
    assert loser.status == AssetStatus.archived and loser.merged_into_id == winner.id
    moved = client.get(f"/assets/{loser.id}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/assets/{winner.id}"
    assert "Merged in: Oldbury Canal Walk" in client.get(f"/mapper/assets/{winner.id}/history").text


def test_stale_list_and_verify(client: TestClient, session: Session) -> None:
    asset = (
        created(session, "Tipton Sports Hub")
        if False
        else created(session, "Sober Sunday Football")
    )
    asset.last_verified_at = utcnow() - timedelta(days=400)
    session.flush()
    csrf = sign_in(client, session, Role.mapper)
    stale = client.get("/mapper/stale").text
    assert "Sober Sunday Football" in stale
    expected = session.scalar(
        select(func.count())
        .select_from(Asset)
        .where(
            Asset.status == AssetStatus.published,
            (Asset.last_verified_at.is_(None))
            | (Asset.last_verified_at < utcnow() - timedelta(days=182)),  # type: ignore[union-attr, operator]
        )
    )
    assert stale.count('action="/mapper/assets/') == expected
    assert "may be out of date" in client.get(f"/assets/{asset.id}").text
    client.post(f"/mapper/assets/{asset.id}/verify", data={"csrf": csrf, "back": "/mapper/stale"})
    assert "Sober Sunday Football" not in client.get("/mapper/stale").text
    assert "may be out of date" not in client.get(f"/assets/{asset.id}").text


def test_coordinator_archives_a_closed_entry(client: TestClient, session: Session) -> None:
    asset = created(session, "Board Games Night")
    csrf = sign_in(client, session, Role.mapper)
    assert client.post(f"/mapper/assets/{asset.id}/archive", data={"csrf": csrf}).status_code == 403
    client.cookies.clear()
    csrf = sign_in(client, session, Role.coordinator)
    client.post(f"/mapper/assets/{asset.id}/archive", data={"csrf": csrf, "reason": "Venue closed"})
    session.refresh(asset)
    assert asset.status == AssetStatus.archived
    assert client.get(f"/assets/{asset.id}").status_code == 404
    assert "Archived: Venue closed" in client.get(f"/mapper/assets/{asset.id}/history").text
