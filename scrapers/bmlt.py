"""BMLT (Basic Meeting List Toolbox, run by NA regions): the semantic API's
`client_interface/json/?switcher=GetSearchResults` answer.

Every value arrives as a string; weekday_tinyint counts 1 = Sunday; venue_type is 1 in person,
2 virtual, 3 hybrid; formats are the server's comma-separated format keys, mapped here to
Meeting Guide type codes (keys we cannot map are left out). With `get_used_formats=1` the
answer is an object {"meetings": [...], "formats": [...]}."""

from collections.abc import Iterator
from datetime import time
from typing import Any

from scrapers.base import ImportRecord, Payload, SourceError, SourceOptions, as_payload
from scrapers.jsonstream import stream_array
from scrapers.meeting_guide import POSTCODE_IN_TEXT, parse_time, plain

# The world-wide NA format keys (and common local spellings) → Meeting Guide codes.
FORMAT_CODES = {
    "O": "O", "C": "C", "D": "D", "SP": "SP", "SPK": "SP", "ST": "ST", "STEP": "ST",
    "BT": "LIT", "JFT": "LIT", "IW": "LIT", "LIT": "LIT", "TR": "TR", "W": "W", "M": "M",
    "B": "BE", "BEG": "BE", "NC": "BE", "NEW": "BE", "WC": "X", "CW": "CF", "CH": "CF",
    "GL": "LGBTQ", "LGBT": "LGBTQ", "YP": "Y", "Y": "Y", "CAN": "CAN", "CL": "CAN",
    "NS": "NS", "SM": "SM", "ME": "MED", "MED": "MED", "QA": "D", "TC": "TC",
}  # fmt: skip
VENUE_TYPES = {"1": "in_person", "2": "online", "3": "hybrid"}


def _day(value: Any) -> int | None:
    """BMLT 1 = Sunday … 7 = Saturday → ours, 0 = Monday."""
    try:
        day = int(str(value).strip())
    except ValueError:
        return None
    return (day + 5) % 7 if 1 <= day <= 7 else None


def _end(start: time | None, duration: Any) -> time | None:
    length = parse_time(duration)
    if start is None or length is None:
        return None
    minutes = (start.hour * 60 + start.minute + length.hour * 60 + length.minute) % (24 * 60)
    return time(minutes // 60, minutes % 60)


def _codes(formats: Any) -> list[str]:
    keys = [k.strip().upper() for k in str(formats or "").split(",") if k.strip()]
    return sorted({FORMAT_CODES[k] for k in keys if k in FORMAT_CODES})


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number else None  # BMLT leaves 0 where nobody set the point


def _venue(row: dict[str, Any]) -> dict[str, Any] | None:
    street, town = row.get("location_street"), row.get("location_municipality")
    postcode = row.get("location_postal_code_1") or next(
        iter(POSTCODE_IN_TEXT.findall(str(street or ""))), None
    )
    name = plain(row.get("location_text")) or plain(street)
    if not name:
        return None
    venue: dict[str, Any] = {
        "name": name,
        "address_line1": plain(street),
        "locality": plain(town or row.get("location_city_subsection")),
        "postcode": postcode.strip().upper() if postcode else None,
        "directions": plain(row.get("location_info")),
    }
    lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
    if lat is not None and lon is not None:
        venue["latitude"], venue["longitude"] = lat, lon
    return venue


def to_fields(row: dict[str, Any], options: SourceOptions) -> dict[str, Any]:
    link, phone = row.get("virtual_meeting_link") or None, row.get("phone_meeting_number") or None
    attendance = VENUE_TYPES.get(
        str(row.get("venue_type") or ""), "hybrid" if link else "in_person"
    )
    if attendance != "in_person" and not (link or phone):
        attendance = "in_person"  # said virtual, but gave no way in
    day, start = _day(row.get("weekday_tinyint")), parse_time(row.get("start_time"))
    fields: dict[str, Any] = {
        "kind": "meeting",
        "name": plain(row.get("meeting_name")) or "",
        "description": plain(row.get("comments")),
        "fellowship": options.fellowship or "NA",
        "types": _codes(row.get("formats")),
        "attendance": attendance,
        "online_url": link,
        "online_phone": phone,
        "online_notes": plain(row.get("virtual_meeting_additional_info")),
        "schedules": [
            {
                "frequency": "weekly",
                "weekdays": [day],
                "start_time": start,
                "end_time": _end(start, row.get("duration_time")),
            }
        ]
        if day is not None and start is not None
        else [],  # fmt: skip
        "source": options.name,
        "external_id": str(row.get("id_bigint")),
    }
    if attendance != "online":
        fields["venue"] = _venue(row)
    return fields


class BmltSource:
    type = "bmlt"

    def records(self, payload: bytes | Payload, options: SourceOptions) -> Iterator[ImportRecord]:
        for n, row in enumerate(stream_array(as_payload(payload), "meetings"), start=1):
            if not isinstance(row, dict) or not row.get("id_bigint") or not row.get("meeting_name"):
                raise SourceError(f"meeting {n} has no id_bigint or meeting_name; is this BMLT?")
            if str(row.get("published", "1")) == "0":
                continue  # unpublished on the server: not for the public
            yield ImportRecord(str(row["id_bigint"]), to_fields(row, options))
