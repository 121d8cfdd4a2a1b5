"""The mapping workflow: submit, review (approve / reject), verify, merge and restore.

Only coordinators publish. A mapper's new entry waits as pending_review; a mapper's edit to a
published entry waits as a PendingChange, leaving the public entry as it is."""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.auth import ForbiddenError, SignedIn
from app.accounts.models import Role
from app.assets.models import Asset, AssetStatus, Attendance
from app.assets.schemas import AssetCreate
from app.assets.service import (
    create_asset,
    create_from_snapshot,
    set_status,
    snapshot,
    update_asset,
)
from app.core.errors import ConflictError, InvalidInputError, NotFoundError
from app.core.timestamps import utcnow
from app.mapping.history import record_revision
from app.mapping.models import ChangeStatus, EntityType, PendingChange, Revision


class EditConflictError(ConflictError):
    """Someone saved this entry since the form was opened."""

    def __init__(self, current: Asset) -> None:
        super().__init__("this entry was changed by someone else while you were editing it")
        self.current = current


def submit_new(session: Session, *, data: AssetCreate, by: SignedIn, publish: bool) -> Asset:
    status = (
        AssetStatus.published
        if publish and by.can(Role.coordinator)
        else AssetStatus.pending_review
    )
    data = data.model_copy(update={"status": status, "source": "manual", "external_id": None})
    return create_asset(session, data=data, user_id=by.user_id)


def submit_edit(
    session: Session, *, asset: Asset, data: AssetCreate, version: int, by: SignedIn
) -> Asset | PendingChange:
    """Coordinators' edits apply at once; a mapper's edit to a published entry waits.

    The row is locked while its version is compared, so of two saves at the same moment
    exactly one wins and the other gets a conflict (no lost update)."""
    session.refresh(asset, with_for_update=True)
    if asset.version != version:
        raise EditConflictError(asset)
    data = data.model_copy(update={"status": asset.status, "source": "manual"})
    if asset.status == AssetStatus.published and not by.can(Role.coordinator):
        assert asset.id is not None
        change = PendingChange(
            asset_id=asset.id, base_version=version, proposed=data.model_dump(mode="json"),
            submitted_by_id=by.user_id,
        )  # fmt: skip
        session.add(change)
        session.flush()
        return change
    return update_asset(session, asset=asset, data=data, user_id=by.user_id)


def _coordinator(by: SignedIn) -> None:
    if not by.can(Role.coordinator):
        raise ForbiddenError("only coordinators can do that")


def approve_asset(session: Session, *, asset: Asset, by: SignedIn) -> Asset:
    _coordinator(by)
    if asset.status != AssetStatus.pending_review:
        raise InvalidInputError("that entry is not waiting for review")
    if asset.attendance != Attendance.online and asset.venue_id is None:
        raise InvalidInputError("pin this entry on the map (edit it and give it a venue) first")
    return set_status(
        session, asset=asset, status=AssetStatus.published, user_id=by.user_id, action="publish"
    )


def reject_asset(session: Session, *, asset: Asset, reason: str, by: SignedIn) -> Asset:
    _coordinator(by)
    if not reason.strip():
        raise InvalidInputError("say why, so the mapper can put it right", field="reason")
    rejected = set_status(
        session, asset=asset, status=AssetStatus.draft, user_id=by.user_id, action="reject"
    )
    _note(session, rejected, by, f"Sent back: {reason.strip()}")
    return rejected


def _note(session: Session, asset: Asset, by: SignedIn, text: str) -> None:
    assert asset.id is not None
    record_revision(
        session, entity_type=EntityType.asset, entity_id=asset.id, action="note",
        before=None, after={"note": text}, user_id=by.user_id,
    )  # fmt: skip


def open_change(session: Session, *, change_id: int) -> PendingChange:
    change = session.get(PendingChange, change_id)
    if change is None or change.status != ChangeStatus.open:
        raise NotFoundError(f"no open change {change_id}")
    return change


def approve_change(session: Session, *, change: PendingChange, by: SignedIn) -> Asset:
    _coordinator(by)
    asset = session.get(Asset, change.asset_id)
    assert asset is not None
    data = AssetCreate.model_validate(change.proposed)
    updated = update_asset(
        session, asset=asset, data=data, user_id=by.user_id, action="approve change"
    )
    change.status, change.decided_by_id = ChangeStatus.approved, by.user_id
    session.flush()
    return updated


def reject_change(session: Session, *, change: PendingChange, reason: str, by: SignedIn) -> None:
    _coordinator(by)
    if not reason.strip():
        raise InvalidInputError("say why, so the mapper can put it right", field="reason")
    change.status, change.decided_by_id, change.reason = ChangeStatus.rejected, by.user_id, reason
    session.flush()


def archive(session: Session, *, asset: Asset, reason: str, by: SignedIn) -> Asset:
    """Closed or stopped: off the site and out of the feeds (as a deletion), history kept."""
    _coordinator(by)
    archived = set_status(
        session, asset=asset, status=AssetStatus.archived, user_id=by.user_id, action="archive"
    )
    if reason.strip():
        _note(session, archived, by, f"Archived: {reason.strip()}")
    return archived


def verify(session: Session, *, asset: Asset, by: SignedIn) -> Asset:
    """A mapper checked it is still right: last verified now, by them."""
    before = snapshot(asset)
    asset.last_verified_at = utcnow()
    asset.last_verified_by_id = by.user_id
    session.flush()
    assert asset.id is not None
    record_revision(
        session, entity_type=EntityType.asset, entity_id=asset.id, action="verify",
        before=before, after=snapshot(asset), user_id=by.user_id,
    )  # fmt: skip
    return asset


def merge(session: Session, *, loser: Asset, winner: Asset, by: SignedIn) -> Asset:
    """The loser is archived and points at the winner; both keep their history."""
    _coordinator(by)
    if loser.id == winner.id:
        raise InvalidInputError("an entry cannot be merged into itself", field="into")
    if winner.status != AssetStatus.published:
        raise InvalidInputError("merge into a published entry", field="into")
    loser.merged_into_id = winner.id
    set_status(
        session, asset=loser, status=AssetStatus.archived, user_id=by.user_id, action="merge"
    )
    _note(session, winner, by, f"Merged in: {loser.name} (#{loser.id})")
    return winner


def restore(session: Session, *, asset: Asset, revision: Revision, by: SignedIn) -> Asset:
    """Make an entry as it was after an earlier revision (admins only); a new revision."""
    if not by.can(Role.admin):
        raise ForbiddenError("only admins can restore earlier versions")
    if revision.entity_id != asset.id or not revision.after or "kind" not in revision.after:
        raise InvalidInputError("that revision cannot be restored", field="revision")
    data = _from_snapshot(revision.after)
    restored = update_asset(session, asset=asset, data=data, user_id=by.user_id, action="restore")
    if restored.status != AssetStatus(revision.after["status"]):
        set_status(session, asset=restored, status=AssetStatus(revision.after["status"]),
                   user_id=by.user_id, action="restore status")  # fmt: skip
    return restored


def _from_snapshot(after: dict[str, Any]) -> AssetCreate:
    return create_from_snapshot({k: v for k, v in after.items() if k != "status"})


def history(session: Session, *, asset_id: int) -> list[Revision]:
    return list(
        session.execute(
            select(Revision)
            .where(
                col(Revision.entity_type) == EntityType.asset, col(Revision.entity_id) == asset_id
            )
            .order_by(col(Revision.created_at).desc(), col(Revision.id).desc())
        ).scalars()
    )
