"""Append-only history of changes to assets, venues and organisations."""

from typing import Any

from sqlmodel import Session

from app.mapping.models import EntityType, Revision


def record_revision(
    session: Session,
    *,
    entity_type: EntityType,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    user_id: int | None = None,
    source: str = "manual",
) -> Revision:
    revision = Revision(
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        user_id=user_id,
        source=source,
    )
    session.add(revision)  # written with the next flush: nothing needs its id now
    return revision
