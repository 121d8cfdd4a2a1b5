"""Public shapes: a schedule's, an organisation's and an interest's are made once for every
one with the same fields; an entry's plain data is what its public model dumps to."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from app.assets.present import asset_data, asset_public, schedule_data, schedule_public
from app.assets.search import AssetHit
from app.core.geo import LatLon
from app.core.time import Frequency, Occurrence


def _schedule(**changed: Any) -> SimpleNamespace:
    fields = {
        "id": 1, "asset_id": 7, "frequency": Frequency.weekly, "interval": 1, "weekdays": [1],
        "nth_week": None, "month_day": None, "dates": [], "start_time": time(19, 30),
        "end_time": time(21), "valid_from": None, "valid_until": None, "cancelled_dates": [],
        "notes": None,
    }  # fmt: skip
    return SimpleNamespace(**{**fields, **changed})


def test_schedules_alike_share_one_public_shape_and_any_difference_shows() -> None:
    first = schedule_public(_schedule())
    assert first.model_dump() == {
        "frequency": "weekly", "interval": 1, "weekdays": ["tue"], "nth_week": None,
        "month_day": None, "dates": [], "start_time": "19:30", "end_time": "21:00",
        "valid_from": None, "valid_until": None, "cancelled_dates": [], "notes": None,
        "rrule": first.rrule, "description": "Every Tuesday, 19:30–21:00",
    }  # fmt: skip
    assert first.rrule and "BYDAY=TU" in first.rrule
    assert schedule_public(_schedule(id=2, asset_id=8)) is first, "another entry's, alike"
    off = schedule_public(_schedule(cancelled_dates=[date(2026, 12, 1)]))
    assert off.cancelled_dates == [date(2026, 12, 1)] and off is not first
    assert schedule_public(_schedule(start_time=time(19, 45))).start_time == "19:45"
    assert schedule_public(_schedule(notes="Ring the bell")).notes == "Ring the bell"
    assert schedule_public(_schedule(weekdays=[1, 3])).weekdays == ["tue", "thu"]
    data = schedule_data(_schedule())
    assert data == first.model_dump() and schedule_data(_schedule(id=3)) is data, "kept too"


def _entry(id_: int, organisation: SimpleNamespace, interests: list[SimpleNamespace]) -> Any:
    return SimpleNamespace(
        id=id_, slug=f"entry-{id_}", kind="meeting", name=f"Entry {id_}", description=None,
        attendance="in_person", online_url=None, online_phone=None, online_notes=None,
        fellowship="AA", types=[], audience="everyone", cost=None, public_phone=None,
        public_email=None, website=None, last_verified_at=None,
        updated_at=datetime(2026, 11, 1, tzinfo=UTC), organisation=organisation, venue=None,
        schedules=[], interests=interests,
    )  # fmt: skip


def _organisation(**changed: Any) -> SimpleNamespace:
    fields = {"id": 3, "slug": "sandwell-recovery", "name": "Sandwell Recovery",
              "website": None, "public_phone": None, "public_email": None}  # fmt: skip
    return SimpleNamespace(**{**fields, **changed})


def test_entries_share_their_organisations_and_interests_public_shapes() -> None:
    walking = SimpleNamespace(id=1, slug="walking", name="Walking", domain="physical",
                              five_ways="be_active")  # fmt: skip
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    one, two = (
        asset_public(AssetHit(_entry(i, _organisation(), [walking]), None, None), {}, now)
        for i in (1, 2)
    )
    assert one.organisation is two.organisation and one.interests[0] is two.interests[0]
    assert one.organisation is not None and one.organisation.model_dump() == {
        "id": 3, "slug": "sandwell-recovery", "name": "Sandwell Recovery", "website": None,
        "public_phone": None, "public_email": None,
    }  # fmt: skip
    assert one.interests[0].model_dump() == {
        "slug": "walking",
        "name": "Walking",
        "domain": "physical",
        "five_ways": "be_active",
    }
    renamed = _entry(3, _organisation(name="Sandwell Recovery Network"), [])
    three = asset_public(AssetHit(renamed, None, None), {}, now)
    assert three.organisation is not None
    assert three.organisation.name == "Sandwell Recovery Network" and three.interests == []


def test_entries_starting_alike_share_their_next_occurrences_public_shape() -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    tonight = Occurrence(datetime(2026, 11, 23, 19, 30, tzinfo=UTC),
                         datetime(2026, 11, 23, 21, tzinfo=UTC))  # fmt: skip
    one, two = (
        asset_public(AssetHit(_entry(i, _organisation(), []), None, tonight), {}, now)
        for i in (1, 2)
    )
    assert one.next_occurrence is not None and one.next_occurrence is two.next_occurrence
    assert one.next_occurrence.model_dump() == {
        "start": tonight.start, "end": tonight.end, "label": "Tonight 19:30", "now": False,
    }  # fmt: skip
    later = asset_public(AssetHit(_entry(3, _organisation(), []), None, tonight), {},
                         datetime(2026, 11, 23, 19, 40, tzinfo=UTC))  # fmt: skip
    assert later.next_occurrence is not None
    assert later.next_occurrence.label == "Now, until 21:00" and later.next_occurrence.now


def test_the_same_instants_in_another_zone_are_told_apart() -> None:
    london = ZoneInfo("Europe/London")
    summer = Occurrence(datetime(2026, 7, 6, 19, 30, tzinfo=london),
                        datetime(2026, 7, 6, 21, tzinfo=london))  # fmt: skip
    hit = AssetHit(_entry(4, _organisation(), []), None, summer)
    here = asset_public(hit, {}, datetime(2026, 7, 6, 12, tzinfo=london))
    there = asset_public(hit, {}, datetime(2026, 7, 6, 11, tzinfo=UTC))  # the same instant
    assert here.next_occurrence is not None and there.next_occurrence is not None
    assert here.next_occurrence.label == "Tonight 19:30"
    assert there.next_occurrence.label == "Tonight 18:30", "in the zone of the moment shown"


def test_an_entrys_plain_data_is_its_public_models_dump_in_its_order() -> None:
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 23, 12, tzinfo=london)
    venue = SimpleNamespace(
        id=9, name="St Mary's Hall", address_line1="1 Church St", address_line2=None,
        locality="Oldbury", postcode="B69 3DE", directions="Side door", town_id=4,
        location=LatLon(latitude=52.5051234567, longitude=-2.0159876543),
        accessibility=["step_free"], hosts_groups=True, hosting_public=True, room_capacity=40,
    )  # fmt: skip
    walking = SimpleNamespace(slug="walking", name="Walking", domain="physical",
                              five_ways="be_active")  # fmt: skip
    entry = _entry(5, _organisation(), [walking])
    entry.venue, entry.schedules = venue, [_schedule(), _schedule(id=2, weekdays=[4])]
    tonight = Occurrence(datetime(2026, 11, 23, 19, 30, tzinfo=london),
                         datetime(2026, 11, 23, 21, tzinfo=london))  # fmt: skip
    towns = {4: ("oldbury", "Oldbury")}
    online = AssetHit(_entry(6, _organisation(), []), None, None)
    for hit in (AssetHit(entry, 1.2, tonight), online):
        data = asset_data(hit, towns, now)
        public = asset_public(hit, towns, now)
        assert data == public.model_dump()
        assert list(data) == list(public.model_dump()), "in the model's order"
    shown = asset_data(AssetHit(entry, 1.2, tonight), towns, now)
    assert shown["venue"]["town_name"] == "Oldbury" and shown["venue"]["room_capacity"] == 40
    assert shown["venue"]["latitude"] == 52.505123 and shown["next_occurrence"]["label"]
