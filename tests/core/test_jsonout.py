"""JSON of plain data is written as pydantic writes the same values."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from app.assets.models import AssetKind
from app.core.jsonout import json_bytes


class _Shape(BaseModel):
    winter: datetime
    summer: datetime
    utc: datetime
    day: date
    kind: AssetKind
    name: str
    miles: float | None


def test_plain_data_is_written_as_its_model_writes_it() -> None:
    london = ZoneInfo("Europe/London")
    data = {
        "winter": datetime(2026, 11, 24, 19, 30, tzinfo=london),
        "summer": datetime(2026, 6, 24, 19, 30, tzinfo=london),
        "utc": datetime(2026, 6, 24, 19, 30, 5, 123, tzinfo=UTC),
        "day": date(2026, 12, 25),
        "kind": AssetKind.meeting,
        "name": "Café “Recovery” — Tipton",
        "miles": 0.9,
    }
    written = json_bytes(data)
    assert written == _Shape(**data).model_dump_json().encode()
    assert b'"2026-11-24T19:30:00Z"' in written and b'"2026-06-24T19:30:00+01:00"' in written
    assert "Café “Recovery”".encode() in written, "UTF-8, not escaped"
