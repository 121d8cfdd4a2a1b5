"""Two coordinators save the same entry at the same moment, on real separate connections:
exactly one wins, the other gets a conflict, nothing is lost."""

import secrets
import threading
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from app.accounts.auth import SignedIn
from app.accounts.models import Role, UserCreate
from app.accounts.service import create_user
from app.accounts.sessions import UserSession
from app.assets.models import Asset
from app.assets.schemas import AssetCreate
from app.mapping.workflow import EditConflictError, submit_edit


def test_exactly_one_of_two_concurrent_saves_wins(engine: Engine) -> None:
    email = f"concurrent-{secrets.token_hex(4)}@example.org"
    with Session(engine) as setup:
        asset_id, version, name, checksum = setup.execute(
            text(
                "SELECT id, version, name, source_checksum FROM asset "
                "WHERE external_id = 'club-choir'"
            )
        ).one()
        account = UserCreate(email=email, display_name="C", role=Role.coordinator,
                             password="long enough pw")  # fmt: skip
        user = create_user(setup, data=account)
        setup.commit()
        setup.refresh(user)
        setup.expunge(user)
    login = UserSession(token_hash="x", user_id=user.id or 0, csrf_token="x", expires_at=None)
    coordinator = SignedIn(user=user, session=login)
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def save(label: str) -> None:
        with Session(engine) as session:
            asset = session.get(Asset, asset_id)
            assert asset is not None
            data = AssetCreate.model_validate(_create_fields(asset) | {"name": f"{name} ({label})"})
            barrier.wait()
            try:
                submit_edit(session, asset=asset, data=data, version=version, by=coordinator)
                session.commit()
                outcomes[label] = "saved"
            except EditConflictError:
                session.rollback()
                outcomes[label] = "conflict"

    threads = [threading.Thread(target=save, args=(label,)) for label in ("first", "second")]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes.values()) == ["conflict", "saved"]
        with Session(engine) as check:
            stored = check.execute(
                text("SELECT name, version FROM asset WHERE id = :i"), {"i": asset_id}
            ).one()
        winner = next(label for label, what in outcomes.items() if what == "saved")
        assert stored.name == f"{name} ({winner})" and stored.version == version + 1
    finally:  # put the shared test data back as it was
        with Session(engine) as undo:
            undo.execute(
                text("UPDATE asset SET name = :n, source_checksum = :c WHERE id = :i"),
                {"n": name, "c": checksum, "i": asset_id},
            )
            undo.execute(text("DELETE FROM revision WHERE user_id = :u"), {"u": user.id})
            undo.execute(text('DELETE FROM "user" WHERE id = :u'), {"u": user.id})
            undo.commit()


def _create_fields(asset: Asset) -> dict[str, Any]:
    from app.assets.service import snapshot

    fields = snapshot(asset)
    fields.pop("slug")
    fields["schedules"] = [dict(s) for s in fields["schedules"]]
    return fields
