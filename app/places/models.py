"""Places: the areas listings are organised by (towns, boroughs, wards)."""

from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from app.core.types import enum_type


class PlaceKind(StrEnum):
    town = "town"
    borough = "borough"
    ward = "ward"


class PlaceBase(SQLModel):
    slug: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=120)
    kind: PlaceKind = Field(sa_type=enum_type(PlaceKind), index=True)


class Place(PlaceBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="place.id", index=True)
    boundary: Any = Field(sa_type=Geometry("MULTIPOLYGON", srid=4326), nullable=False)


class PlacePublic(BaseModel):
    slug: str
    name: str
    kind: PlaceKind
    parent: str | None = None
    asset_count: int = 0
    url: str


class PlaceDetail(PlacePublic):
    boundary: dict[str, Any]
    bbox: list[float]
