"""API schemas for assets: Create / Update (input) and Public (output)."""

from datetime import date, datetime, time
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.assets.meeting_types import unknown_types
from app.assets.models import AssetBase, AssetKind, AssetStatus, Attendance, ScheduleBase
from app.organisations.models import OrganisationCreate, OrganisationPublic
from app.venues.models import VenueCreate, VenuePublic


def _sensible_end(start: time, end: time) -> bool:
    """Ends after it starts, or runs past midnight from an evening start (22:00–01:00)."""
    return end > start or (start >= time(18) and end <= time(6))


class ScheduleCreate(ScheduleBase):
    @model_validator(mode="after")
    def _complete(self) -> Self:
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        if self.frequency == "weekly" and not self.weekdays:
            raise ValueError("a weekly schedule needs at least one weekday")
        if self.frequency == "monthly_nth" and (len(self.weekdays) != 1 or not self.nth_week):
            raise ValueError("a monthly schedule on the nth weekday needs one weekday and nth_week")
        if self.frequency == "monthly_day" and not self.month_day:
            raise ValueError("a monthly schedule on a day of the month needs month_day")
        if self.frequency == "once" and not self.dates:
            raise ValueError("a one-off schedule needs at least one date")
        if self.end_time is not None and not _sensible_end(self.start_time, self.end_time):
            raise ValueError("the end time is before the start time")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class AssetCreate(AssetBase):
    slug: str | None = Field(default=None, max_length=200, pattern=r"^[a-z0-9-]+$")
    types: list[str] = Field(default_factory=list, max_length=30)
    status: AssetStatus = AssetStatus.draft
    organisation_id: int | None = None
    organisation: OrganisationCreate | None = None
    venue_id: int | None = None
    venue: VenueCreate | None = None
    schedules: list[ScheduleCreate] = Field(default_factory=list, max_length=50)
    interests: list[str] = Field(default_factory=list, max_length=30)
    private_contact: str | None = Field(default=None, max_length=1000)
    last_verified_at: datetime | None = None
    source: str = "manual"
    external_id: str | None = None
    # An imported in-person entry whose address could not be placed: kept (never published)
    # until a mapper pins it. Not part of the entry's data.
    place_later: bool = Field(default=False, exclude=True)

    @field_validator("types")
    @classmethod
    def _known_types(cls, codes: list[str]) -> list[str]:
        unknown = unknown_types(codes)
        if unknown:
            raise ValueError(f"unknown Meeting Guide type codes: {', '.join(unknown)}")
        return sorted(set(codes))

    @model_validator(mode="after")
    def _where(self) -> Self:
        has_venue = self.venue_id is not None or self.venue is not None
        if self.attendance != Attendance.online and not has_venue and not self.place_later:
            raise ValueError("an in-person or hybrid entry needs a venue")
        if self.attendance != Attendance.in_person and not (self.online_url or self.online_phone):
            raise ValueError("an online or hybrid entry needs an online link or phone number")
        if self.types and self.kind != AssetKind.meeting:
            raise ValueError("meeting type codes apply only to meetings")
        return self


class AssetUpdate(BaseModel):
    """A partial update; `version` must match the stored one (optimistic locking)."""

    version: int
    name: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = None
    status: AssetStatus | None = None
    schedules: list[ScheduleCreate] | None = None
    interests: list[str] | None = None
    types: list[str] | None = None
    last_verified_at: datetime | None = None


class InterestPublic(BaseModel):
    slug: str
    name: str
    domain: str
    five_ways: str


class SchedulePublic(BaseModel):
    frequency: str
    interval: int
    weekdays: list[str]
    nth_week: int | None
    month_day: int | None
    dates: list[date]
    # Wall-clock times in Europe/London ("19:00"), not instants: no UTC offset belongs here.
    start_time: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["19:00"])
    end_time: str | None = Field(pattern=r"^\d{2}:\d{2}$", examples=["20:30"])
    valid_from: date | None
    valid_until: date | None
    cancelled_dates: list[date]
    notes: str | None
    rrule: str | None
    description: str


class OccurrencePublic(BaseModel):
    start: datetime
    end: datetime
    label: str = Field(
        description='In words: "Tonight 19:00", "Starts in 20 min", "Thu 4 Dec 10:30".'
    )
    now: bool = Field(False, description="Started within the last hour and not yet ended.")


class AssetPublic(BaseModel):
    """A published entry, as every API and feed shows it (public contact data only)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "slug": "oldbury-tuesday-night-aa",
                    "kind": "meeting",
                    "name": "Oldbury Tuesday Night AA",
                    "attendance": "in_person",
                    "fellowship": "AA",
                    "types": ["D", "O", "X"],
                    "audience": "everyone",
                    "next_occurrence": {
                        "start": "2026-11-24T19:30:00+00:00",
                        "end": "2026-11-24T21:00:00+00:00",
                        "label": "Tomorrow 19:30",
                        "now": False,
                    },
                    "distance_miles": 0.9,
                }
            ]
        }
    )

    id: int
    slug: str
    url: str
    kind: AssetKind
    name: str
    description: str | None
    attendance: Attendance
    online_url: str | None
    online_phone: str | None
    online_notes: str | None
    fellowship: str | None
    types: list[str]
    audience: str
    cost: str | None
    public_phone: str | None
    public_email: str | None
    website: str | None
    organisation: OrganisationPublic | None
    venue: VenuePublic | None
    schedules: list[SchedulePublic]
    interests: list[InterestPublic]
    last_verified_at: datetime | None
    updated_at: datetime
    next_occurrence: OccurrencePublic | None = None
    distance_miles: float | None = None


class AssetPage(BaseModel):
    items: list[AssetPublic]
    total: int
    total_is_estimate: bool = Field(
        False, description="True when there are more than 500 matches: `total` is then the "
        "database's estimate, not a count.",
    )  # fmt: skip
    page: int
    per_page: int
    links: dict[str, str | None]
