"""Search parameters: the same names in the HTML form, the API and the feeds."""

from datetime import datetime
from datetime import time as clock_time  # `time` is also the name of a filter below
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from app.assets.models import AssetKind, Attendance, Audience
from app.core.query_model import query_model, query_parameters
from app.core.time import DAY_CODES, TimeBand, Weekday
from app.venues.models import AccessFeature


class When(StrEnum):
    now = "now"
    today = "today"
    week = "week"


class Sort(StrEnum):
    distance = "distance"
    next = "next"
    name = "name"


class SearchParams(BaseModel):
    """Search filters. Repeated values of one filter are ORed; different filters are ANDed."""

    town: str | None = Field(None, max_length=80, description="Town slug, e.g. `oldbury`.")
    near: str | None = Field(
        None,
        max_length=100,
        description="Postcode, outcode, town name or `lat,lon`.",
        examples=["B69 3DE", "DY4", "52.5046,-2.0089"],
    )
    radius: float = Field(5.0, gt=0, le=50, description="Miles from `near` (default 5, max 50).")
    kind: list[AssetKind] = Field(default_factory=list, max_length=20, description="Kinds.")
    interest: list[str] = Field(
        default_factory=list, max_length=50, description="Interest slugs (`/api/v1/interests`)."
    )
    day: list[Weekday] = Field(default_factory=list, max_length=7, description="Weekdays.")
    time: TimeBand | None = Field(None, description="Start time band.")
    when: When | None = Field(None, description="`now`, `today` or `week` (next 7 days).")
    mode: Attendance | None = Field(None, description="`online` and `in_person` include hybrid.")
    access: list[AccessFeature] = Field(
        default_factory=list, max_length=10, description="Venue must have all of these."
    )
    audience: Audience | None = Field(None, description="Who it is for, e.g. `women`.")
    type: str | None = Field(None, max_length=20, description="Meeting Guide type code, e.g. `O`.")
    fellowship: str | None = Field(None, max_length=40, description="e.g. `AA`, `NA`, `SMART`.")
    q: str | None = Field(None, max_length=200, description="Free text.")
    starts_after: clock_time | None = Field(None, description="Starts at or after (HH:MM).")
    ends_before: clock_time | None = Field(None, description="Ends by (HH:MM).")
    age: int | None = Field(
        None, ge=0, le=120, description="The person's age: leaves out groups for other ages."
    )
    modified_after: datetime | None = Field(
        None, description="Only entries changed after this moment (ISO 8601)."
    )
    sort: Sort | None = Field(None, description="Default: distance with `near`, else name.")
    page: int = Field(1, ge=1, le=10_000, description="Page number, from 1.")
    per_page: int = Field(20, ge=1, le=100, description="Results a page (max 100).")

    @field_validator("starts_after", "ends_before")
    @classmethod
    def _wall_clock(cls, value: clock_time | None) -> clock_time | None:
        """Times are local (Europe/London) wall-clock times; an offset would be meaningless."""
        if value is not None and value.tzinfo is not None:
            raise ValueError("give a local time as HH:MM, without a time zone")
        return value

    def weekdays(self) -> list[int] | None:
        """The chosen days as weekday numbers (Monday = 0), None when no day is chosen."""
        return [DAY_CODES.index(d.value) for d in self.day] if self.day else None

    def is_filtered(self) -> bool:
        return bool(self.filters())

    def filters(self) -> dict[str, object]:
        """The filters in use (not paging or sorting), as query parameters."""
        data = self.model_dump(exclude={"page", "per_page", "sort"}, exclude_defaults=True)
        if "radius" in data and not self.near:
            data.pop("radius")
        return {k: v for k, v in data.items() if v not in (None, [], "")}


# The API's and the feeds' dependency and OpenAPI parameters (app.core.query_model).
search_params_from_query = query_model(SearchParams)
SEARCH_PARAMETERS = {"parameters": query_parameters(SearchParams)}
