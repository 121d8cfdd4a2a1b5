"""Meeting Guide JSON (the code4recovery spec; TSML and many intergroup sites publish it)."""

import html
import re
from collections.abc import Iterator
from datetime import time
from typing import Any

from app.assets.meeting_types import meeting_types
from app.geocoding.postcodes import parse_postcode
from scrapers.base import ImportRecord, Payload, SourceError, SourceOptions, as_payload
from scrapers.jsonstream import stream_array

DAY_NAMES = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*([ap]\.?m\.?)?\s*$", re.I)
POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b", re.I)
TAG = re.compile(r"<[^>]+>")


def parse_time(value: Any) -> time | None:
    """'19:00', '7:00 PM', '7pm', '19:00:00' → time; None when not a time."""
    match = TIME.match(str(value or ""))
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    return time(hour, minute) if hour < 24 and minute < 60 else None


def parse_days(value: Any) -> list[int]:
    """Meeting Guide days (0 = Sunday; an int, a list or a name) → ours (0 = Monday)."""
    values = value if isinstance(value, list) else [value]
    days = []
    for v in values:
        if isinstance(v, str) and v.strip().lower() in DAY_NAMES:
            v = DAY_NAMES.index(v.strip().lower())
        try:
            mg = int(v)
        except (TypeError, ValueError):
            continue
        if 0 <= mg <= 6:
            days.append((mg + 6) % 7)
    return sorted(set(days))


def plain(text: Any) -> str | None:
    """Notes arrive with HTML in the wild; we keep text only."""
    if not text:
        return None
    flat = re.sub(r"[ \t]+", " ", html.unescape(TAG.sub(" ", str(text))))
    return "\n".join(line.strip() for line in flat.splitlines()).strip() or None


def _coordinates(row: dict[str, Any]) -> tuple[float, float] | None:
    try:
        lat, lon = float(row["latitude"]), float(row["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if lat == 0 and lon == 0:  # "0,0" means unknown in many exports
        return None
    return lat, lon


def _venue(row: dict[str, Any]) -> dict[str, Any] | None:
    address = row.get("formatted_address") or ", ".join(
        str(row[k]) for k in ("address", "city", "postal_code") if row.get(k)
    )
    postcode = row.get("postal_code") or next(iter(POSTCODE_IN_TEXT.findall(address or "")), None)
    coordinates = _coordinates(row)
    if not (row.get("location") or address):
        return None  # online only (an address without a point is placed, or kept to pin, later)
    parsed = parse_postcode(postcode) if postcode else None
    venue: dict[str, Any] = {
        "name": plain(row.get("location")) or (address.split(",")[0] if address else "Venue"),
        "address_line1": (row.get("address") or address.split(",")[0]) if address else None,
        "locality": row.get("city") or row.get("region"),
        "postcode": parsed.display if parsed else None,
        "directions": plain(row.get("location_notes")),
    }
    if coordinates:
        venue["latitude"], venue["longitude"] = coordinates
    return venue


def to_fields(row: dict[str, Any], options: SourceOptions) -> dict[str, Any]:
    """One Meeting Guide row → the fields of an AssetCreate (the venue may still need its
    point from the postcode; the import service does that)."""
    known = meeting_types()
    online = bool(row.get("conference_url") or row.get("conference_phone"))
    # TSML says so outright; otherwise a place and a link make a hybrid meeting.
    said = row.get("attendance_option")
    venue = None if said == "online" and online else _venue(row)
    attendance = "hybrid" if online and venue else "online" if online else "in_person"
    start, end = parse_time(row.get("time")), parse_time(row.get("end_time"))
    days = parse_days(row.get("day"))
    fields: dict[str, Any] = {
        "kind": "meeting",
        "name": plain(row.get("name")) or "",
        "description": plain(row.get("notes")),
        "fellowship": options.fellowship,
        "types": [t for t in row.get("types") or [] if t in known],
        "attendance": attendance,
        "online_url": row.get("conference_url") or None,
        "online_phone": row.get("conference_phone") or None,
        "online_notes": plain(row.get("conference_url_notes") or row.get("conference_phone_notes")),
        "schedules": [
            {"frequency": "weekly", "weekdays": days, "start_time": start, "end_time": end}
        ]
        if days and start
        else [],  # fmt: skip
        "source": options.name,
        "external_id": str(row.get("slug")),
    }
    if venue:
        fields["venue"] = venue
    return fields


class MeetingGuideSource:
    type = "meeting-guide"

    def records(self, payload: bytes | Payload, options: SourceOptions) -> Iterator[ImportRecord]:
        seen: set[str] = set()
        for n, row in enumerate(stream_array(as_payload(payload), "meetings", options=options)):
            if not isinstance(row, dict) or not row.get("slug") or not row.get("name"):
                raise SourceError(f"meeting {n + 1} has no name or slug; both are required")
            slug = str(row["slug"])
            if slug in seen:  # duplicate slugs happen; the first wins
                yield ImportRecord(slug, None, f"duplicate slug {slug}")
                continue
            seen.add(slug)
            yield ImportRecord(slug, to_fields(row, options))
