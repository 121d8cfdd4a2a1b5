"""Offline postcode tables: outcode centroids and (optionally loaded) full postcodes."""

from enum import StrEnum
from typing import Any

from geoalchemy2 import Geography
from sqlmodel import Field, SQLModel

from app.core.types import enum_type


class PostcodeKind(StrEnum):
    outcode = "outcode"
    postcode = "postcode"
    cached = "cached"  # answered by the online lookup and kept


class Postcode(SQLModel, table=True):
    # Normalised: upper case, no spaces ("B693DE", "B69").
    code: str = Field(primary_key=True, max_length=8)
    kind: PostcodeKind = Field(sa_type=enum_type(PostcodeKind))
    location: Any = Field(sa_type=Geography("POINT", srid=4326), nullable=False)
