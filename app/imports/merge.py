"""Bringing an upstream change into an entry without undoing what a person did to it.

An imported entry keeps `source_snapshot`: the entry as its source last sent it. A field that
differs from that snapshot now was edited by a person. When the source changes, the fields
nobody touched take the new value; a field a person edited keeps the person's value and, if
the source also changed it, the difference waits in the review queue as a PendingChange that a
coordinator can approve (take the source's value) or send back (keep ours)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import Asset, Schedule
from app.assets.schemas import AssetCreate
from app.assets.service import (
    SNAPSHOT_FIELDS,
    checksum,
    create_from_snapshot,
    jsonable,
    schedule_snapshot,
    snapshot,
    update_asset,
)
from app.mapping.models import EntityType, PendingChange, Revision
from app.organisations.service import save_organisation
from app.venues.service import save_venue

# What a source can say about an entry; slug and status belong to us.
COMPARED = tuple(
    f for f in (*SNAPSHOT_FIELDS, "interests", "schedules") if f not in ("slug", "status")
)


@dataclass
class MergeOutcome:
    what: str  # "updated" | "unchanged"
    kept: list[str]  # fields a person edited, left as they are
    for_review: list[str]  # ... of which the source changed too: sent to review


def source_view(snap: dict[str, Any]) -> dict[str, Any]:
    return {f: snap.get(f) for f in COMPARED}


def upstream_view(session: Session, *, data: AssetCreate) -> dict[str, Any]:
    """What the source says, in the same shape as `snapshot(asset)` (venue and organisation
    found or created, so they compare by id)."""
    view = {
        f: jsonable(getattr(data, f, None)) for f in COMPARED if f not in ("interests", "schedules")
    }
    if data.venue is not None:
        venue = save_venue(session, data=data.venue)
        session.flush()
        view["venue_id"] = venue.id
    if data.organisation is not None:
        view["organisation_id"] = save_organisation(session, data=data.organisation).id
    view["interests"] = sorted(data.interests)
    view["schedules"] = [schedule_snapshot(Schedule(**s.model_dump())) for s in data.schedules]
    return view


def merge_upstream(session: Session, *, asset: Asset, data: AssetCreate) -> MergeOutcome:
    """Apply a changed upstream record to an existing entry, field by field."""
    current = source_view(snapshot(asset))
    base = _base(session, asset)
    fresh = upstream_view(session, data=data)
    human = [f for f in COMPARED if current[f] != base.get(f)]
    contested = [f for f in human if fresh[f] != base.get(f) and fresh[f] != current[f]]
    merged = {**fresh, **{f: current[f] for f in human}}
    outcome = MergeOutcome(what="unchanged", kept=human, for_review=contested)
    if merged != current:
        update_asset(session, asset=asset, data=_as_create(merged, data, asset))
        outcome.what = "updated"
    asset.source_snapshot = fresh
    asset.source_checksum = checksum(data)
    if contested:
        proposed = _as_create({**current, **{f: fresh[f] for f in contested}}, data, asset)
        assert asset.id is not None
        session.add(
            PendingChange(
                asset_id=asset.id, base_version=asset.version,
                proposed=proposed.model_dump(mode="json"),
            )
        )  # fmt: skip
    session.flush()
    return outcome


def _base(session: Session, asset: Asset) -> dict[str, Any]:
    """What the source last sent. None means "as created": the create revision holds it (kept
    there rather than written twice on every import of a new entry)."""
    if asset.source_snapshot is not None:
        return asset.source_snapshot
    created = session.execute(
        select(col(Revision.after))
        .where(
            col(Revision.entity_type) == EntityType.asset,
            col(Revision.entity_id) == asset.id,
            col(Revision.action) == "create",
        )
        .limit(1)
    ).scalar_one_or_none()
    return source_view(created) if created else {}


def _as_create(view: dict[str, Any], data: AssetCreate, asset: Asset) -> AssetCreate:
    return create_from_snapshot(
        {**view, "status": asset.status, "place_later": view.get("venue_id") is None},
        source=data.source, external_id=data.external_id,
    )  # fmt: skip
