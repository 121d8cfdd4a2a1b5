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


def empty_list() -> list[Any]:
    """The default factory of list columns. SQLModel builds table rows through pydantic, which
    reads the factory's signature on every row (pydantic/pydantic#13376 for the same on private
    attributes): for the builtin `list` that means parsing its text signature, about 0.1 ms a
    field — a third of the Python time of a 10,000-meeting import. A plain function is cheap."""
    return []


def empty_dict() -> dict[str, Any]:
    """The default factory of JSON object columns (see `empty_list`)."""
    return {}
