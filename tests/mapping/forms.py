"""A valid weekly meeting, as the entry form posts it."""

from typing import Any


def meeting_form(csrf: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf": csrf,
        "name": "Smethwick Thursday Steps",
        "kind": "meeting",
        "fellowship": "AA",
        "types": ["O", "ST"],
        "attendance": "in_person",
        "audience": "everyone",
        "venue_name": "Uplands Community Room",
        "venue_address": "5 Uplands Road",
        "venue_locality": "Smethwick",
        "venue_postcode": "B67 6ZZ",
        "venue_lat": "52.4861",
        "venue_lon": "-1.9735",
        "access": ["step_free"],
        "s0_frequency": "weekly",
        "s0_days": ["tue"],
        "s0_start": "18:00",
        "s0_end": "19:30",
        "interests": ["mutual-aid"],
        "action": "save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
