"""Venues: where things happen. `town_id` is derived from the location when saved."""

from enum import StrEnum
from typing import Any

from geoalchemy2 import Geography
from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from app.core.timestamps import Timestamped
from app.core.types import text_array


class AccessFeature(StrEnum):
    step_free = "step_free"
    accessible_toilet = "accessible_toilet"
    hearing_loop = "hearing_loop"
    parking = "parking"
    quiet_room = "quiet_room"
    public_transport = "public_transport"


ACCESS_LABELS: dict[AccessFeature, str] = {
    AccessFeature.step_free: "Step-free access",
    AccessFeature.accessible_toilet: "Accessible toilet",
    AccessFeature.hearing_loop: "Hearing loop",
    AccessFeature.parking: "Parking",
    AccessFeature.quiet_room: "Quiet room",
    AccessFeature.public_transport: "Near bus or train",
}


class VenueBase(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=200)
    locality: str | None = Field(default=None, max_length=120)
    postcode: str | None = Field(default=None, max_length=10)
    directions: str | None = Field(default=None, max_length=2000)


class VenueCreate(VenueBase):
    latitude: float = Field(ge=49.8, le=60.9)
    longitude: float = Field(ge=-8.7, le=1.8)
    accessibility: list[AccessFeature] = Field(default_factory=list)


class Venue(VenueBase, Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    location: Any = Field(sa_type=Geography("POINT", srid=4326), nullable=False)
    town_id: int | None = Field(default=None, foreign_key="place.id", index=True)
    accessibility: list[str] = Field(
        default_factory=list, sa_type=text_array(), sa_column_kwargs={"server_default": "{}"}
    )


class VenuePublic(BaseModel):
    id: int
    name: str
    address_line1: str | None
    address_line2: str | None
    locality: str | None
    postcode: str | None
    latitude: float
    longitude: float
    town: str | None = None
    town_name: str | None = None
    accessibility: list[AccessFeature]
    directions: str | None
