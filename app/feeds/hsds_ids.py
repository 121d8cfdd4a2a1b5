"""Stable, reversible UUIDs for HSDS objects (HSDS ids are UUIDs; ours are integers).

The last 12 hex digits hold our integer id; the third group says which table it is."""

import uuid

PREFIX = "7761796d-6172"  # "waymar"
MAX_ID = 2**31 - 1  # PostgreSQL integer keys
KINDS = {
    "service": "4b01",
    "organization": "4b02",
    "location": "4b03",
    "service_at_location": "4b04",
    "schedule": "4b05",
    "taxonomy": "4b06",
    "interest_term": "4b07",
    "kind_term": "4b08",
    "address": "4b09",
    "attribute": "4b0a",
    "accessibility": "4b0b",
    "online_location": "4b0c",  # the "virtual" location of an online or hybrid entry
    "online_service_at_location": "4b0d",
}


def hsds_id(kind: str, number: int) -> str:
    return f"{PREFIX}-{KINDS[kind]}-8000-{number:012x}"


def parse_hsds_id(kind: str, value: str) -> int | None:
    """Our integer id, or None when the value is not one of our ids of that kind."""
    try:
        parsed = str(uuid.UUID(value))
    except ValueError:
        return None
    head = f"{PREFIX}-{KINDS[kind]}-8000-"
    if not parsed.startswith(head):
        return None
    number = int(parsed.removeprefix(head), 16)
    return number if number <= MAX_ID else None
