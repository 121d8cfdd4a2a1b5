"""The one entry form (every kind): form fields ⇄ AssetCreate, with messages per field.

Nothing is stored here: the page saves only when this returns no errors."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from app.assets.models import Asset
from app.assets.schemas import AssetCreate
from app.core.errors import InvalidInputError
from app.core.geo import latlon_of
from app.core.time import DAY_CODES
from app.geocoding.service import locate

SCHEDULE_ROWS = 3
LIST_FIELDS = ("types", "interests", "access", *(f"s{i}_days" for i in range(SCHEDULE_ROWS)))
# Where pydantic reports a problem → the form field it belongs next to.
FIELD_FOR = {
    ("venue", "latitude"): "venue_lat", ("venue", "longitude"): "venue_lon",
    ("venue", "name"): "venue_name", ("venue", "postcode"): "venue_postcode",
    ("organisation", "name"): "organisation_name",
}  # fmt: skip
FRIENDLY = {
    "venue_lat": "Latitude must be between 49.8 and 60.9 (the UK).",
    "venue_lon": "Longitude must be between -8.7 and 1.8 (the UK).",
    "name": "Give it a name (at least 2 characters).",
}


@dataclass
class EntryForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    data: AssetCreate | None = None


def form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: [] for k in LIST_FIELDS}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf":
            continue
        if key in LIST_FIELDS:
            values[key].append(value)
        else:
            values[key] = value.replace("\x00", "").strip()
    return values


def _dates(text: str) -> list[date]:
    return [date.fromisoformat(d.strip()) for d in text.replace(";", ",").split(",") if d.strip()]


def _schedule(values: dict[str, Any], i: int) -> dict[str, Any] | None:
    p = f"s{i}_"
    if not values.get(p + "start"):
        return None  # an empty row
    days = [DAY_CODES.index(d) for d in values.get(p + "days", []) if d in DAY_CODES]
    return {
        "frequency": values.get(p + "frequency") or "weekly",
        "interval": values.get(p + "interval") or 1,
        "weekdays": days,
        "nth_week": values.get(p + "nth") or None,
        "month_day": values.get(p + "month_day") or None,
        "dates": _dates(values.get(p + "dates", "")),
        "start_time": values.get(p + "start"),
        "end_time": values.get(p + "end") or None,
        "valid_from": values.get(p + "valid_from") or None,
        "valid_until": values.get(p + "valid_until") or None,
        "cancelled_dates": _dates(values.get(p + "cancelled", "")),
    }


def _venue(
    session: Session, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any] | None:
    if not values.get("venue_name"):
        return None
    lat, lon = values.get("venue_lat"), values.get("venue_lon")
    if not (lat and lon) and values.get("venue_postcode"):
        try:
            point = locate(session, query=values["venue_postcode"]).point
            lat, lon = str(point.latitude), str(point.longitude)
        except InvalidInputError as exc:
            errors["venue_postcode"] = exc.message[:1].upper() + exc.message[1:] + "."
            return None
    if not (lat and lon):
        errors["venue_postcode"] = "Give the postcode (or latitude and longitude) of the venue."
        return None
    return {
        "name": values["venue_name"],
        "address_line1": values.get("venue_address") or None,
        "locality": values.get("venue_locality") or None,
        "postcode": values.get("venue_postcode") or None,
        "latitude": lat,
        "longitude": lon,
        "accessibility": values.get("access", []),
        "directions": values.get("venue_directions") or None,
    }


def parse_entry_form(session: Session, form: FormData) -> EntryForm:
    values = form_values(form)
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {
        k: values[k] for k in (*TEXT_FIELDS, "kind", "attendance", "audience") if values.get(k)
    }
    raw["name"] = values.get("name", "")
    raw["types"] = values["types"]
    raw["interests"] = values["interests"]
    if values.get("organisation_name"):
        raw["organisation"] = {"name": values["organisation_name"]}
    if values.get("venue_id", "").isdigit():
        raw["venue_id"] = int(values["venue_id"])
    else:
        venue = _venue(session, values, errors)
        if venue:
            raw["venue"] = venue
    schedules = []
    for i in range(SCHEDULE_ROWS):
        try:
            row = _schedule(values, i)
        except ValueError:
            errors[f"s{i}"] = "Write dates as YYYY-MM-DD, separated by commas."
            continue
        if row:
            schedules.append((i, row))
    raw["schedules"] = [row for _, row in schedules]
    try:
        data = AssetCreate.model_validate(raw)
    except ValidationError as exc:
        for e in exc.errors():
            name = _field(e["loc"], schedules)
            errors.setdefault(name, _message(e, name))
        return EntryForm(values, errors)
    return EntryForm(values, errors, None if errors else data)


def _field(loc: tuple[Any, ...], schedules: list[tuple[int, dict[str, Any]]]) -> str:
    if not loc:
        return "form"
    if loc[0] == "schedules" and len(loc) > 1 and isinstance(loc[1], int):
        return f"s{schedules[loc[1]][0]}"
    return FIELD_FOR.get(tuple(loc[:2]), str(loc[0]))


def _message(error: Any, name: str) -> str:
    msg = str(error["msg"]).removeprefix("Value error, ")
    sentence = msg[:1].upper() + msg[1:] + ("" if msg.endswith(".") else ".")
    return FRIENDLY.get(name, sentence)


TEXT_FIELDS = ("name", "description", "fellowship", "online_url", "online_phone",
               "online_notes", "cost", "public_phone", "public_email", "website",
               "private_contact")  # fmt: skip


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def values_from_asset(asset: Asset) -> dict[str, Any]:
    """Fill the form from a stored entry (for editing)."""
    values: dict[str, Any] = {k: getattr(asset, k) or "" for k in TEXT_FIELDS}
    values.update(
        kind=asset.kind.value,
        attendance=asset.attendance.value,
        audience=asset.audience.value,
        types=list(asset.types),
        interests=[i.slug for i in asset.interests],
        version=str(asset.version),
        venue_id=str(asset.venue_id or ""),
        access=[],
    )
    if asset.organisation:
        values["organisation_name"] = asset.organisation.name
    if asset.venue:
        v = asset.venue
        point = latlon_of(v.location)
        values.update(
            venue_name=v.name,
            venue_address=v.address_line1 or "",
            venue_locality=v.locality or "",
            venue_postcode=v.postcode or "",
            venue_lat=f"{point.latitude:.6f}",
            venue_lon=f"{point.longitude:.6f}",
            access=list(v.accessibility),
            venue_directions=v.directions or "",
        )
    for i in range(SCHEDULE_ROWS):
        values[f"s{i}_days"] = []
    for i, s in enumerate(asset.schedules[:SCHEDULE_ROWS]):
        p = f"s{i}_"
        values[p + "frequency"] = s.frequency.value
        values[p + "interval"] = str(s.interval)
        values[p + "days"] = [DAY_CODES[d] for d in s.weekdays]
        values[p + "nth"] = str(s.nth_week or "")
        values[p + "month_day"] = str(s.month_day or "")
        values[p + "dates"] = ", ".join(d.isoformat() for d in s.dates)
        values[p + "start"] = s.start_time.strftime("%H:%M")
        values[p + "end"] = s.end_time.strftime("%H:%M") if s.end_time else ""
        values[p + "valid_from"] = _iso(s.valid_from)
        values[p + "valid_until"] = _iso(s.valid_until)
        values[p + "cancelled"] = ", ".join(d.isoformat() for d in s.cancelled_dates)
    return values
