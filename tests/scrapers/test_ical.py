"""iCalendar → our schedules: weekly, fortnightly with UNTIL, last Friday, a day of the month,
EXDATE and cancelled instances, a non-UK timezone, rules written out as dates, one-off events
grouped, all-day events refused with a reason, online links."""

import itertools
from datetime import date, time
from pathlib import Path

from scrapers.base import SourceOptions
from scrapers.ical import IcalSource

PAYLOAD = (Path(__file__).parent.parent / "fixtures" / "imports" / "ical-v1.ics").read_bytes()


def records() -> dict[str, object]:
    return {r.external_id: r for r in IcalSource().records(PAYLOAD, SourceOptions("hub"))}


def test_rules_become_our_schedules() -> None:
    found = records()
    cafe = found["0f3c1a2b9d@google.com"].fields  # type: ignore[attr-defined]
    weekly = cafe["schedules"][0]
    assert (weekly["frequency"], weekly["weekdays"], weekly["start_time"]) == (
        "weekly",
        [1],
        time(10),
    )
    assert weekly["cancelled_dates"] == [date(2026, 12, 29), date(2027, 1, 5)], "EXDATE + cancelled"
    assert cafe["venue"]["postcode"] == "B68 8AA" and cafe["venue"]["latitude"] == 52.493
    assert cafe["description"] == "Tea, toast and a warm welcome. No need to book."
    open_mic = found["77aa01@langley-hub.example.org"].fields  # type: ignore[attr-defined]
    assert open_mic["schedules"][0] | {"cancelled_dates": []} == open_mic["schedules"][0]
    assert (open_mic["schedules"][0]["frequency"], open_mic["schedules"][0]["nth_week"]) == (
        "monthly_nth",
        -1,
    )
    walk = found["walk-fortnightly@langley-hub.example.org"].fields  # type: ignore[attr-defined]
    assert walk["schedules"][0]["interval"] == 2 and walk["schedules"][0]["valid_until"] == date(
        2027, 6, 30
    )
    online = found["smart-online@example.com"].fields  # type: ignore[attr-defined]
    assert online["attendance"] == "online" and online["online_url"].startswith("https://zoom.us/")
    assert online["schedules"][0]["start_time"] == time(19), "14:00 in New York is 19:00 in London"


def test_what_our_model_cannot_hold_is_written_out_and_one_offs_are_grouped() -> None:
    found = records()
    stretch = found["early-stretch@langley-hub.example.org"].fields  # type: ignore[attr-defined]
    dates = stretch["schedules"][0]["dates"]
    assert stretch["schedules"][0]["frequency"] == "once" and len(dates) >= 55
    assert all((b - a).days == 3 for a, b in itertools.pairwise(dates)), "every 3 days"
    series = [k for k in found if k.startswith("series:allotment-open-day")]
    assert len(series) == 1
    allotment = found[series[0]].fields  # type: ignore[attr-defined]
    assert allotment["schedules"][0]["dates"] == [date(2030, 5, 2), date(2030, 6, 6)]
    fair = found["xmas-fair@langley-hub.example.org"]
    assert fair.fields is None and "all-day" in fair.problem  # type: ignore[attr-defined]
