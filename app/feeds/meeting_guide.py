"""The code4recovery Meeting Guide JSON format (the data source of TSML UI and the app).

The spec is for weekly meetings: one row per weekday (TSML UI breaks on `day` arrays when
several meetings use them). Fortnightly, monthly and one-off meetings are kept as a weekly
row on their next date's weekday with the real pattern in `notes`, never dropped."""

from datetime import UTC, datetime
from typing import Any

from app.assets.models import Asset
from app.assets.search import AssetHit
from app.core.config import get_settings
from app.core.geo import latlon_of
from app.core.time import Frequency, next_occurrence
from app.core.timewords import describe_schedule, hhmm

ONLINE_REGION = "Online"
ONLINE_AREA = "United Kingdom"


def _slug(asset: Asset, row_number: int | None) -> str:
    """Unique, URL-safe and within the spec's 64 characters."""
    base = asset.slug if len(asset.slug) <= 56 else f"{asset.slug[:48].rstrip('-')}-{asset.id}"
    return base if row_number is None else f"{base}-{row_number}"


def _mg_day(python_weekday: int) -> int:
    """Ours: 0 = Monday; Meeting Guide: 0 = Sunday."""
    return (python_weekday + 1) % 7


def _address(asset: Asset, town: str | None) -> str | None:
    """At least four comma-separated parts, so TSML UI does not treat it as approximate."""
    v = asset.venue
    if v is None:
        return None
    parts = [v.address_line1 or v.name, v.address_line2, town or v.locality, v.postcode, "UK"]
    return ", ".join(p for p in parts if p)


def _base(hit: AssetHit, towns: dict[int, tuple[str, str]]) -> dict[str, Any]:
    asset = hit.asset
    settings = get_settings()
    town_id = asset.venue.town_id if asset.venue else None
    town = towns[town_id][1] if town_id in towns else None
    row: dict[str, Any] = {
        "name": asset.name,
        "timezone": settings.timezone,
        "types": list(asset.types),
        "updated": asset.updated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "url": f"{settings.base_url}/assets/{asset.id}",
        "feedback_url": f"{settings.base_url}/suggest?asset={asset.id}",
        "attendance_option": asset.attendance.value,
    }
    if asset.organisation:
        row["group"] = asset.organisation.name
    if asset.venue:
        point = latlon_of(asset.venue.location)
        row.update(
            location=asset.venue.name,
            formatted_address=_address(asset, town),
            latitude=round(point.latitude, 5),
            longitude=round(point.longitude, 5),
            approximate="no",
            region=town or asset.venue.locality or "Other",
        )
        if asset.venue.directions:
            row["location_notes"] = asset.venue.directions
    else:
        # Online only: the spec allows an approximate address; TSML UI hides rows with none.
        row.update(region=ONLINE_REGION, formatted_address=ONLINE_AREA, approximate="yes")
    if asset.attendance.value != "in_person":
        if asset.online_url:
            row["conference_url"] = asset.online_url
        if asset.online_phone:
            row["conference_phone"] = asset.online_phone
        if asset.online_notes:
            row["conference_url_notes"] = asset.online_notes
    return row


def meeting_rows(
    hits: list[AssetHit], towns: dict[int, tuple[str, str]], now: datetime
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for hit in hits:
        asset = hit.asset
        base = _base(hit, towns)
        entries: list[tuple[int | None, Any, str | None]] = []  # (weekday, schedule, note)
        for s in asset.schedules:
            if s.frequency == Frequency.weekly and s.interval == 1:
                entries += [(d, s, None) for d in sorted(s.weekdays)]
                continue
            upcoming = next_occurrence([s], now)
            if upcoming is None:
                continue  # a one-off that has happened
            note = f"{describe_schedule(s)} (next: {upcoming.start.strftime('%a %-d %b %Y')})."
            entries.append((upcoming.start.weekday(), s, note))
        if not asset.schedules:
            entries.append((None, None, None))  # by appointment: TSML UI lists these last
        for n, (weekday, schedule, pattern) in enumerate(entries):
            row = dict(base)
            row["slug"] = _slug(asset, n + 1 if len(entries) > 1 else None)
            if weekday is not None and schedule is not None:
                row["day"] = _mg_day(weekday)
                row["time"] = hhmm(schedule.start_time)
                if schedule.end_time:
                    row["end_time"] = hhmm(schedule.end_time)
            extra = schedule.notes if schedule else None
            notes = [t for t in (pattern, asset.description, extra) if t]
            if notes:
                row["notes"] = "\n\n".join(notes)
            rows.append(row)
    return rows
