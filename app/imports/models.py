"""Configured import sources and the report of every run."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.timestamps import Timestamped, utcnow
from app.core.types import empty_list, enum_type


class SourceSchedule(StrEnum):
    manual = "manual"  # only when someone presses "Run now" or runs the CLI
    daily = "daily"
    weekly = "weekly"


SCHEDULE_INTERVAL = {SourceSchedule.daily: 1, SourceSchedule.weekly: 7}  # days


class ImportSourceBase(SQLModel):
    name: str = Field(min_length=2, max_length=80)
    type: str = Field(max_length=40)  # a key of scrapers.registry.SOURCES
    location: str = Field(min_length=3, max_length=1000)  # URL (or a file path, for the CLI)
    schedule: SourceSchedule = Field(
        default=SourceSchedule.manual, sa_type=enum_type(SourceSchedule)
    )
    default_kind: str | None = Field(default=None, max_length=40)
    fellowship: str | None = Field(default=None, max_length=40)
    # The town a local source serves: addresses that do not say their town get its name, and
    # online-only entries are listed in it (they have no venue to place them).
    default_town_id: int | None = Field(default=None, foreign_key="place.id")
    # Trusted sources publish new entries at once; others wait for a coordinator.
    trusted: bool = False
    enabled: bool = True


class ImportSource(ImportSourceBase, Timestamped, table=True):
    __tablename__ = "import_source"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_import_source_name"),)

    id: int | None = Field(default=None, primary_key=True)
    # Validators for conditional GET: an unchanged feed is not downloaded again.
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)


class ImportRun(SQLModel, table=True):
    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="import_source.id", index=True)
    source_name: str = Field(max_length=80)
    started_at: datetime = Field(
        default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False
    )
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    dry_run: bool = False
    # ok | not modified | failed (nothing changed; `error` says why)
    outcome: str = Field(default="ok", max_length=20)
    error: str | None = Field(default=None, max_length=2000)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    for_review: int = 0
    unplaced: int = 0
    failures: list[dict[str, Any]] = Field(default_factory=empty_list, sa_type=JSONB)
