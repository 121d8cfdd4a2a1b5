from datetime import time

import pytest

from scrapers.base import SourceError, SourceOptions
from scrapers.meeting_guide import MeetingGuideSource, parse_days, parse_time, plain

OPTIONS = SourceOptions(name="test-intergroup", fellowship="AA")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("19:00", time(19)), ("7:00 PM", time(19)), ("7pm", time(19)), ("12:30 am", time(0, 30)),
     ("19:00:00", time(19)), ("07:15", time(7, 15)), ("", None), ("soon", None), ("25:00", None)],
)  # fmt: skip
def test_times_in_the_wild(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


def test_days_as_numbers_lists_and_names() -> None:
    assert parse_days(0) == [6]  # Sunday
    assert parse_days([1, 3]) == [0, 2]
    assert parse_days("Saturday") == [5]
    assert parse_days("2") == [1]
    assert parse_days(None) == [] and parse_days(9) == []


def test_rows_become_asset_fields() -> None:
    payload = b"""[
      {"name": "Hope <b>Group</b>", "slug": "hope-1", "day": [2, 4], "time": "7:30 PM",
       "end_time": "21:00", "types": ["O", "D", "NOT-A-CODE"], "location": "St Paul's Hall",
       "formatted_address": "1 Church Rd, Oldbury, B69 4AA, UK", "latitude": 52.5,
       "longitude": -2.01, "notes": "<p>Side door &amp; upstairs</p>",
       "timezone": "America/New_York"},
      {"name": "Zoom AA", "slug": "zoom", "day": "Monday", "time": "20:00",
       "conference_url": "https://zoom.us/j/123", "latitude": 0, "longitude": 0},
      {"name": "Postcode only", "slug": "pc", "day": 5, "time": "10:00",
       "location": "Hall", "address": "2 High St", "postal_code": "dy4 8zf"},
      {"name": "Dup", "slug": "hope-1", "day": 1, "time": "10:00"}
    ]"""
    records = list(MeetingGuideSource().records(payload, OPTIONS))
    first = records[0].fields
    assert first is not None
    assert first["name"] == "Hope Group" and first["description"] == "Side door & upstairs"
    assert first["types"] == ["O", "D"] and first["fellowship"] == "AA"
    assert first["schedules"][0]["weekdays"] == [1, 3] and first["schedules"][0][
        "start_time"
    ] == time(19, 30)
    assert first["venue"]["latitude"] == 52.5 and first["venue"]["postcode"] == "B69 4AA"
    online = records[1].fields
    assert online is not None and online["attendance"] == "online" and "venue" not in online
    placed_later = records[2].fields
    assert placed_later is not None and "latitude" not in placed_later["venue"]
    assert placed_later["venue"]["postcode"] == "DY4 8ZF"
    assert records[3].fields is None and "duplicate slug" in (records[3].problem or "")


@pytest.mark.parametrize(
    ("payload", "message"),
    [(b"<html>not json</html>", "not JSON"), (b'{"error": "x"}', "expected a JSON array"),
     (b'[{"slug": "x"}]', "no name or slug"), (b"\\xff\\xfe", "not JSON")],
)  # fmt: skip
def test_malformed_feeds_are_refused_with_a_clear_message(payload: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        list(MeetingGuideSource().records(payload, OPTIONS))


def test_plain_text() -> None:
    assert plain("<script>x</script>Hi &amp; welcome") == "x Hi & welcome"
    assert plain(None) is None
