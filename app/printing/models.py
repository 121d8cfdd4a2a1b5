"""Stored newsletter editions: a snapshot of what was sent, so it can be downloaded again."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.timestamps import utcnow
from app.core.types import empty_dict


class NewsletterEdition(SQLModel, table=True):
    __tablename__ = "newsletter_edition"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False
    )
    period_start: date
    period_end: date
    featured: str | None = Field(default=None, max_length=4000)
    content: dict[str, Any] = Field(default_factory=empty_dict, sa_type=JSONB)
