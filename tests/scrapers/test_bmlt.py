"""BMLT GetSearchResults → our fields: Sunday = 1, string values, durations, format keys,
venue types, 0/0 points, unpublished meetings."""

import json
from datetime import time
from pathlib import Path

from scrapers.base import SourceOptions
from scrapers.bmlt import BmltSource

PAYLOAD = (Path(__file__).parent.parent / "fixtures" / "imports" / "bmlt-v1.json").read_bytes()


def test_bmlt_meetings_map_onto_our_fields() -> None:
    records = {r.external_id: r.fields for r in BmltSource().records(PAYLOAD, SourceOptions("na"))}
    assert "2745" not in records, "unpublished meetings are left out"
    clean_start = records["2741"]
    assert clean_start is not None
    assert clean_start["fellowship"] == "NA" and clean_start["attendance"] == "in_person"
    schedule = clean_start["schedules"][0]
    assert schedule["weekdays"] == [0], "BMLT 2 = Monday = our 0"
    assert (schedule["start_time"], schedule["end_time"]) == (time(19, 30), time(21, 0))
    assert clean_start["types"] == ["LIT", "O", "X"], "BT → LIT, WC → X"
    assert clean_start["venue"]["directions"] == "Side entrance, ring the bell"
    assert clean_start["description"] == "Newcomers' pack at every meeting"
    online = records["2742"]
    assert online is not None
    assert online["schedules"][0]["weekdays"] == [6], "BMLT 1 = Sunday"
    assert online["attendance"] == "online" and "venue" not in online
    assert online["online_phone"] == "+44 20 3481 5237"
    hybrid = records["2743"]
    assert hybrid is not None
    assert hybrid["attendance"] == "hybrid" and hybrid["types"] == ["O", "ST"]
    assert "latitude" not in hybrid["venue"], "0/0 is no point: placed from B66 1AA instead"
    assert hybrid["venue"]["postcode"] == "B66 1AA"


def test_the_object_form_with_formats_reads_the_same() -> None:
    v2 = json.dumps({"formats": [{"key_string": "O"}], "meetings": json.loads(PAYLOAD)}).encode()
    first = [r.external_id for r in BmltSource().records(PAYLOAD, SourceOptions("na"))]
    second = [r.external_id for r in BmltSource().records(v2, SourceOptions("na"))]
    assert first == second == ["2741", "2742", "2743", "2744"]
