"""Search hits → public shapes (JSON and GeoJSON) from the same gathered data."""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from operator import attrgetter, itemgetter
from types import SimpleNamespace
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import BaseModel

from app.assets.models import Asset, Schedule
from app.assets.schemas import (
    AssetPublic,
    InterestPublic,
    OccurrencePublic,
    SchedulePublic,
)  # fmt: skip
from app.assets.search import AssetHit
from app.core.config import get_settings
from app.core.geo import LatLon, latlon_of, point_feature
from app.core.time import DAY_CODES, Occurrence, rrule_text, schedule_key
from app.core.timewords import describe_schedule, hhmm, is_just_started, occurrence_label
from app.organisations.models import OrganisationPublic
from app.venues.models import VenuePublic

Shared = TypeVar("Shared", bound=BaseModel)

# What the public shapes copy from an entry, its venue and its schedules: read as attributes,
# so ORM entries and the read-only rows of app.assets.light are presented alike.
ASSET_FIELDS = (
    "id", "slug", "kind", "name", "description", "attendance", "online_url", "online_phone",
    "online_notes", "fellowship", "types", "audience", "cost", "public_phone", "public_email",
    "website", "last_verified_at", "updated_at",
)  # fmt: skip
VENUE_FIELDS = ("id", "name", "address_line1", "address_line2", "locality", "postcode",
                "directions")  # fmt: skip
SCHEDULE_FIELDS = ("interval", "nth_week", "month_day", "dates", "valid_from", "valid_until",
                   "cancelled_dates", "notes")  # fmt: skip


def _copy(source: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return dict(zip(names, _getter(names)(source), strict=True))


@lru_cache
def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The named attributes as a tuple, read in C (a page of 20 read ~700 one by one)."""
    return attrgetter(*names)


def schedule_public(s: Schedule) -> SchedulePublic:
    """The schedule's public shape: the same for every schedule with the same fields (many
    entries meet on the same evenings), so made once for them all and shared (never changed
    after): a page of 20 results made ~30 of them, 8 µs each."""
    return _schedule_public(schedule_key(_read_schedule, s))


# 1,500 distinct near searches at a million entries presented 30,000 schedules of 464 shapes;
# a town's page of 3,070 entries fills what is kept, so it is kept small (~1 KB each).
SCHEDULES_KEPT = 1024
_SCHEDULE_LISTS = ("weekdays", "dates", "cancelled_dates")  # read last (schedule_key)
_SCHEDULE_READ = (
    *(n for n in SCHEDULE_FIELDS if n not in _SCHEDULE_LISTS), "frequency", "start_time",
    "end_time", *_SCHEDULE_LISTS,
)  # fmt: skip
_read_schedule = attrgetter(*_SCHEDULE_READ)


@lru_cache(maxsize=SCHEDULES_KEPT)
def _schedule_public(values: tuple[Any, ...]) -> SchedulePublic:
    s = SimpleNamespace(**dict(zip(_SCHEDULE_READ, values, strict=True)))
    return SchedulePublic(  # its lists, tuples in the key, made lists again by validation
        **_copy(s, SCHEDULE_FIELDS),
        frequency=s.frequency.value,
        start_time=hhmm(s.start_time),
        end_time=hhmm(s.end_time) if s.end_time else None,
        weekdays=[DAY_CODES[d] for d in s.weekdays],
        rrule=rrule_text(s),
        description=describe_schedule(s),
    )


def schedule_data(s: Schedule) -> dict[str, Any]:
    """schedule_public's shape as the plain data it dumps to, made once for all alike and
    shared like it (never changed after)."""
    return _schedule_data(schedule_key(_read_schedule, s))


@lru_cache(maxsize=SCHEDULES_KEPT)
def _schedule_data(values: tuple[Any, ...]) -> dict[str, Any]:
    return _schedule_public(values).model_dump()


def _shared(model: type[Shared], source: Any) -> Shared:
    """`model` of `source`'s fields of the same names, made once for every source alike and
    shared, as schedules' are (never changed after): an entry's interests (a taxonomy of a
    few dozen) and organisation (shared by its entries)."""
    return cast(Shared, _made(model, _getter(_names(model))(source)))


def _fields_of(model: type[BaseModel], source: Any) -> dict[str, Any]:
    """`model`'s fields of `source` as they are (plain values its model would keep as they
    are): made for each entry, which costs less than keeping them (1 µs against ~8 for each
    of the thousands of organisations a minute's searches show)."""
    return _copy(source, _names(model))


@lru_cache
def _names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


@lru_cache(maxsize=SCHEDULES_KEPT)
def _made(model: type[BaseModel], values: tuple[Any, ...]) -> BaseModel:
    return model(**dict(zip(_names(model), values, strict=True)))


def _occurrence_public(occurrence: Occurrence, now: datetime) -> OccurrencePublic:
    """Entries alike start at the same times ("Tonight 19:30"): each start's shape made once
    for the moment it is shown at, and shared. Equal instants in other zones are told apart
    (the words are in `now`'s zone, the times written in the occurrence's)."""
    return _occurrence_in(occurrence, now, (occurrence.start.tzinfo, now.tzinfo))


def _occurrence_data(occurrence: Occurrence, now: datetime) -> dict[str, Any]:
    return _occurrence_data_in(occurrence, now, (occurrence.start.tzinfo, now.tzinfo))


@lru_cache(maxsize=SCHEDULES_KEPT)
def _occurrence_in(
    occurrence: Occurrence, now: datetime, zones: tuple[Any, ...]
) -> OccurrencePublic:
    return OccurrencePublic(
        start=occurrence.start,
        end=occurrence.end,
        label=occurrence_label(occurrence, now),
        now=is_just_started(occurrence, now),
    )


@lru_cache(maxsize=SCHEDULES_KEPT)
def _occurrence_data_in(
    occurrence: Occurrence, now: datetime, zones: tuple[Any, ...]
) -> dict[str, Any]:
    return _occurrence_in(occurrence, now, zones).model_dump()


_read_venue = attrgetter(
    *VENUE_FIELDS, "location", "town_id", "accessibility", "hosts_groups", "room_capacity",
    "hosting_public",
)  # fmt: skip


def _venue_fields(asset: Asset, towns: dict[int, tuple[str, str]]) -> dict[str, Any] | None:
    """The venue's public fields, in VenuePublic's order (read in one go: 20 a page)."""
    if asset.venue is None:
        return None
    (id_, name, line1, line2, locality, postcode, directions, location, town_id, access,
     hosts, capacity, public) = _read_venue(asset.venue)  # fmt: skip
    point = latlon_of(location)
    town = towns.get(town_id) if town_id else None
    return {
        "id": id_, "name": name, "address_line1": line1, "address_line2": line2,
        "locality": locality, "postcode": postcode, "latitude": round(point.latitude, 6),
        "longitude": round(point.longitude, 6), "town": town[0] if town else None,
        "town_name": town[1] if town else None,
        "accessibility": list(access),  # (AccessFeature values, as validated)
        "directions": directions,
        "rooms_for_groups": hosts if public else None,
        "room_capacity": capacity if public else None,
    }  # fmt: skip


class _Shapes(NamedTuple):
    """How an entry's parts are made: as public models (asset_public) or as the plain data
    they would dump to (asset_data). A schedule's and a next start's are made once for all
    alike either way (words and rules to work out); an organisation's and an interest's
    data are their fields as they are."""

    schedule: Callable[[Schedule], Any]
    shared: Callable[[type[BaseModel], Any], Any]
    occurrence: Callable[[Occurrence, datetime], Any]
    venue: Callable[[dict[str, Any]], Any]


def _as_is(fields: dict[str, Any]) -> dict[str, Any]:
    return fields


_MODELS = _Shapes(schedule_public, _shared, _occurrence_public, VenuePublic.model_validate)
_DATA = _Shapes(schedule_data, _fields_of, _occurrence_data, _as_is)


def _fields(
    hit: AssetHit, towns: dict[int, tuple[str, str]], now: datetime, shapes: _Shapes
) -> dict[str, Any]:
    asset = hit.asset
    org = asset.organisation
    venue = _venue_fields(asset, towns)
    fields = _copy(asset, ASSET_FIELDS)
    fields.update(
        url=f"{get_settings().base_url}/assets/{asset.id}",
        organisation=shapes.shared(OrganisationPublic, org) if org else None,
        venue=shapes.venue(venue) if venue else None,
        schedules=[shapes.schedule(s) for s in asset.schedules],
        interests=[shapes.shared(InterestPublic, i) for i in asset.interests],
        next_occurrence=shapes.occurrence(hit.next, now) if hit.next else None,
        distance_miles=hit.distance_miles,
    )
    return fields


def asset_public(hit: AssetHit, towns: dict[int, tuple[str, str]], now: datetime) -> AssetPublic:
    return AssetPublic(**_fields(hit, towns, now, _MODELS))


_ASSET_ORDER = tuple(AssetPublic.model_fields)
_in_asset_order = itemgetter(*_ASSET_ORDER)


def asset_data(hit: AssetHit, towns: dict[int, tuple[str, str]], now: datetime) -> dict[str, Any]:
    """asset_public's shape as the plain data its model dumps to (`model_dump()`), in its
    fields' order, without making the models: what the API's search writes as JSON (a page
    of 20 made and dumped through the models cost ~0.3 ms of a distinct search's ~3). Its
    schedules' and next start's data are shared with every entry alike: never change them."""
    return dict(zip(_ASSET_ORDER, _in_asset_order(_fields(hit, towns, now, _DATA)), strict=True))


def asset_feature(data: dict[str, Any]) -> dict[str, Any]:
    """RFC 7946 Feature of an entry's public data (asset_data); online-only entries have a
    null geometry."""
    venue = data["venue"]
    if venue is None:
        return {"type": "Feature", "id": data["id"], "geometry": None, "properties": data}
    point = LatLon(venue["latitude"], venue["longitude"])
    return point_feature(point, data, data["id"])


def map_points(items: list[AssetPublic]) -> list[dict[str, Any]]:
    """One marker per venue listing its entries (text only; the script inserts it as text).

    Entries at the same venue share a marker so markers never sit on top of each other."""
    venues: dict[tuple[float, float], dict[str, Any]] = {}
    for i in items:
        if i.venue is None:
            continue
        key = (round(i.venue.latitude, 4), round(i.venue.longitude, 4))
        marker = venues.setdefault(
            key,
            {
                "lat": i.venue.latitude,
                "lon": i.venue.longitude,
                "venue": i.venue.name,
                "entries": [],
            },
        )
        when = i.next_occurrence.label if i.next_occurrence else ""
        marker["entries"].append({"name": i.name, "url": f"/assets/{i.id}", "when": when})
    return list(venues.values())
