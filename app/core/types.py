"""Column types shared by the table models."""

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """Store an enum as VARCHAR holding its value (no PostgreSQL ENUM type to migrate)."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


def text_array() -> Any:
    return ARRAY(sa.String())


def date_array() -> Any:
    return ARRAY(sa.Date())


def int_array() -> Any:
    return ARRAY(sa.Integer())
