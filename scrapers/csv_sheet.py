"""Spreadsheets (CSV): the documented template in data/import-template.csv.

Excel's habits are handled: a byte-order mark, semicolons instead of commas, blank rows,
stray spaces. The schedule column uses the compact form of app/assets/schedule_spec.py
("weekly thu 18:00-19:30", several separated by "|")."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from app.assets.schedule_spec import parse_schedules
from scrapers.base import ImportRecord, Payload, SourceError, SourceOptions, as_payload

REQUIRED = ("id", "kind", "name")
LIST = ";"


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST) if v.strip()]


def _text(payload: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves "ANSI" too
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("the file is not text (save it as CSV UTF-8)")


def row_fields(row: dict[str, str], options: SourceOptions) -> dict[str, Any]:
    def get(key: str) -> str:
        return (row.get(key) or "").strip()

    fields: dict[str, Any] = {
        "kind": get("kind"), "name": get("name"), "description": get("description") or None,
        "fellowship": get("fellowship") or options.fellowship, "types": _split(get("types")),
        "interests": _split(get("interests")), "audience": get("audience") or "everyone",
        "cost": get("cost") or None, "online_url": get("online_url") or None,
        "online_phone": get("online_phone") or None, "website": get("website") or None,
        "public_phone": get("public_phone") or None, "public_email": get("public_email") or None,
        "schedules": [s.model_dump() for s in parse_schedules(get("schedule"))],
        "source": options.name, "external_id": get("id"),
    }  # fmt: skip
    online = bool(fields["online_url"] or fields["online_phone"])
    if get("venue_name"):
        venue: dict[str, Any] = {
            "name": get("venue_name"), "address_line1": get("address") or None,
            "locality": get("town") or None, "postcode": get("postcode") or None,
            "accessibility": _split(get("access")),
        }  # fmt: skip
        if get("latitude") and get("longitude"):
            venue["latitude"], venue["longitude"] = float(get("latitude")), float(get("longitude"))
        fields["venue"] = venue
    fields["attendance"] = (
        "hybrid" if online and get("venue_name") else "online" if online else "in_person"
    )
    return fields


class CsvSource:
    type = "csv"

    def records(self, payload: bytes | Payload, options: SourceOptions) -> Iterator[ImportRecord]:
        text = _text(as_payload(payload).read())
        try:
            dialect: Any = csv.Sniffer().sniff(text.splitlines()[0] if text else "", ",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        headers = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in headers]
        if missing:
            raise SourceError(f"missing columns: {', '.join(missing)} (see the template)")
        reader.fieldnames = headers
        seen: set[str] = set()
        for n, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values()):
                continue  # Excel leaves blank rows at the end
            key = (row.get("id") or "").strip() or f"row-{n}"
            if key in seen:
                yield ImportRecord(key, None, f"row {n}: the id {key} is used twice")
                continue
            seen.add(key)
            try:
                yield ImportRecord(key, row_fields(row, options))
            except ValueError as exc:
                yield ImportRecord(key, None, f"row {n}: {exc}")
