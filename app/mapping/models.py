"""Append-only history (Revision) and public suggestions."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.timestamps import Timestamped, utcnow
from app.core.types import empty_dict, enum_type


class EntityType(StrEnum):
    asset = "asset"
    venue = "venue"
    organisation = "organisation"


class Revision(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_revision_entity", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: EntityType = Field(sa_type=enum_type(EntityType))
    entity_id: int
    action: str = Field(max_length=40)  # create | update | publish | archive | merge | restore
    user_id: int | None = Field(default=None, foreign_key="user.id")
    source: str = Field(default="manual", max_length=80)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False, index=True
    )


class SuggestionKind(StrEnum):
    change = "change"
    closed = "closed"
    new = "new"


class SuggestionStatus(StrEnum):
    open = "open"
    accepted = "accepted"
    rejected = "rejected"


class Suggestion(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int | None = Field(default=None, foreign_key="asset.id", index=True)
    kind: SuggestionKind = Field(sa_type=enum_type(SuggestionKind))
    message: str = Field(max_length=4000)
    # Only so a coordinator can reply; never published.
    reporter_email: str | None = Field(default=None, max_length=254)
    status: SuggestionStatus = Field(
        default=SuggestionStatus.open, sa_type=enum_type(SuggestionStatus), index=True
    )
    handled_by_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str | None = Field(default=None, max_length=2000)


class EmptySearch(SQLModel, table=True):
    """A public search that found nothing: unmet demand for mappers. No personal data: the
    place is kept only as an outcode or town, never a full postcode or coordinates."""

    __tablename__ = "empty_search"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False, index=True
    )
    area: str | None = Field(default=None, max_length=80, index=True)
    filters: dict[str, Any] = Field(default_factory=empty_dict, sa_type=JSONB)


class ChangeStatus(StrEnum):
    open = "open"
    approved = "approved"
    rejected = "rejected"


class PendingChange(Timestamped, table=True):
    """A mapper's edit to a published entry, waiting for a coordinator."""

    __tablename__ = "pending_change"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", index=True)
    base_version: int
    proposed: dict[str, Any] = Field(sa_type=JSONB)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    status: ChangeStatus = Field(
        default=ChangeStatus.open, sa_type=enum_type(ChangeStatus), index=True
    )
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str | None = Field(default=None, max_length=2000)
