"""Venues: where things happen. `town_id` is derived from the location when saved."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geography
from pydantic import BaseModel, field_validator
from sqlmodel import Field, SQLModel

from app.core.time import DAY_CODES, TimeBand
from app.core.timestamps import Timestamped
from app.core.types import empty_list, enum_type, text_array


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


# Rooms are booked by day and part of the day (no night slots).
BANDS = (TimeBand.morning.value, TimeBand.afternoon.value, TimeBand.evening.value)
SLOT_CODES = [f"{d}_{b}" for d in DAY_CODES for b in BANDS]
WEEKDAY_EVENINGS = [f"{d}_evening" for d in DAY_CODES[:5]]


class CostBand(StrEnum):
    free = "free"
    low = "low"
    commercial = "commercial"


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
    accessibility: list[AccessFeature] = Field(default_factory=empty_list)


class Venue(VenueBase, Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    location: Any = Field(sa_type=Geography("POINT", srid=4326), nullable=False)
    town_id: int | None = Field(default=None, foreign_key="place.id", index=True)
    accessibility: list[str] = Field(
        default_factory=empty_list, sa_type=text_array(), sa_column_kwargs={"server_default": "{}"}
    )
    # Hosting: could a community group meet here? Recorded by mappers (the venue register).
    hosts_groups: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    room_capacity: int | None = None
    cost_band: CostBand | None = Field(default=None, sa_type=enum_type(CostBand))
    hosting_terms: str | None = Field(default=None, max_length=1000)
    # When the room is usually free: "mon_evening", "sat_morning", … (day code _ time band).
    free_slots: list[str] = Field(
        default_factory=empty_list, sa_type=text_array(), sa_column_kwargs={"server_default": "{}"}
    )
    kitchen: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    hosting_public: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    # Who to ask about booking: coordinator-only, never in public pages or feeds.
    hosting_contact: str | None = Field(default=None, max_length=500)
    hosting_checked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


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
    # Only when the venue agreed to publish its hosting details.
    rooms_for_groups: bool | None = None
    room_capacity: int | None = None


class VenueHosting(BaseModel):
    """What a mapper records about a venue's rooms."""

    hosts_groups: bool = False
    room_capacity: int | None = Field(default=None, ge=1, le=2000)
    cost_band: CostBand | None = None
    hosting_terms: str | None = Field(default=None, max_length=1000)
    free_slots: list[str] = Field(default_factory=empty_list, max_length=28)
    kitchen: bool = False
    hosting_public: bool = False
    hosting_contact: str | None = Field(default=None, max_length=500)

    @field_validator("free_slots")
    @classmethod
    def _known_slots(cls, slots: list[str]) -> list[str]:
        unknown = [s for s in slots if s not in SLOT_CODES]
        if unknown:
            raise ValueError(f"unknown times: {', '.join(unknown)} (use e.g. mon_evening)")
        return sorted(set(slots), key=SLOT_CODES.index)
