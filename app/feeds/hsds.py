"""Assets as Open Referral UK (HSDS 3.0 UK profile) objects.

Fields with no value are left out rather than sent as null (the schemas reject nulls)."""

from datetime import UTC
from typing import Any

from app.assets.filters import YOUNG_PEOPLE_AGES
from app.assets.models import Asset, AssetKind, Attendance, Audience, Interest, Schedule
from app.core.config import get_settings
from app.core.geo import latlon_of
from app.core.labels import KIND_LABELS
from app.core.time import RRULE_DAYS, Frequency
from app.core.timewords import describe_schedule, hhmm
from app.feeds.hsds_ids import hsds_id
from app.venues.models import ACCESS_LABELS, AccessFeature

VERSION = "HSDS-UK-3.0"
PROFILE = "https://openreferraluk.org/"
KIND_TAXONOMY = 1
INTEREST_TAXONOMY = 2
TAXONOMIES = {
    KIND_TAXONOMY: ("Waymark kinds", "What a listing is: meeting, bumping space, volunteering…"),
    INTEREST_TAXONOMY: (
        "Waymark interests",
        "Interests, each tagged with a recovery-capital domain and a Five Ways heading.",
    ),
}
KIND_NUMBERS = {kind: n for n, kind in enumerate(AssetKind, start=1)}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def taxonomy(number: int) -> dict[str, Any]:
    name, description = TAXONOMIES[number]
    return {"id": hsds_id("taxonomy", number), "name": name, "description": description}


def kind_term(kind: AssetKind) -> dict[str, Any]:
    return {
        "id": hsds_id("kind_term", KIND_NUMBERS[kind]),
        "name": KIND_LABELS[kind][0],
        "description": KIND_LABELS[kind][1],
        "term": kind.value,
        "taxonomy_id": hsds_id("taxonomy", KIND_TAXONOMY),
    }


def interest_term(interest: Interest) -> dict[str, Any]:
    assert interest.id is not None
    return {
        "id": hsds_id("interest_term", interest.id),
        "name": interest.name,
        "description": f"{interest.domain.value.title()} recovery capital; "
        f"Five Ways to Wellbeing: {interest.five_ways.value.replace('_', ' ')}.",
        "term": interest.slug,
        "taxonomy_id": hsds_id("taxonomy", INTEREST_TAXONOMY),
    }


def _attributes(asset: Asset, service_id: str) -> list[dict[str, Any]]:
    assert asset.id is not None
    terms = [kind_term(asset.kind)] + [interest_term(i) for i in asset.interests]
    return [
        {
            "id": hsds_id("attribute", asset.id * 4096 + n),
            "link_id": service_id,
            "link_type": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
        }
        for n, term in enumerate(terms)
    ]


def _schedule(s: Schedule, service_id: str) -> dict[str, Any]:
    assert s.id is not None
    data: dict[str, Any] = {
        "id": hsds_id("schedule", s.id),
        "service_id": service_id,
        "opens_at": hhmm(s.start_time),
        "closes_at": hhmm(s.end_time) if s.end_time else None,
        "description": describe_schedule(s) + " (UK time)",
        "valid_from": s.valid_from.isoformat() if s.valid_from else None,
        "valid_to": s.valid_until.isoformat() if s.valid_until else None,
        "notes": s.notes,
    }
    days = [str(RRULE_DAYS[d]) for d in sorted(s.weekdays)]
    if s.frequency == Frequency.weekly:
        data.update(freq="WEEKLY", interval=s.interval, byday=",".join(days))
    elif s.frequency == Frequency.monthly_nth:
        data.update(freq="MONTHLY", byday=",".join(f"{s.nth_week}{d}" for d in days))
    elif s.frequency == Frequency.monthly_day:
        data.update(freq="MONTHLY", bymonthday=str(s.month_day))
    else:
        data["dtstart"] = min(s.dates).isoformat() if s.dates else None
    return _clean(data)


def _location(asset: Asset, service_id: str) -> dict[str, Any] | None:
    venue = asset.venue
    if venue is None or venue.id is None or asset.id is None:
        return None
    location_id = hsds_id("location", venue.id)
    point = latlon_of(venue.location)
    address = _clean(
        {
            "id": hsds_id("address", venue.id),
            "location_id": location_id,
            "address_1": venue.address_line1 or venue.name,
            "city": venue.locality or "",
            "state_province": "England",
            "postal_code": venue.postcode or "",
            "country": "GB",
            "address_type": "physical",
        }
    )
    address.setdefault("city", "")
    address.setdefault("postal_code", "")
    access = [
        {
            "id": hsds_id("accessibility", venue.id * 16 + n),
            "location_id": location_id,
            "description": ACCESS_LABELS[AccessFeature(a)],
        }
        for n, a in enumerate(venue.accessibility)
    ]
    location = _clean(
        {
            "id": location_id,
            "location_type": "physical",
            "name": venue.name,
            "description": venue.directions,
            "latitude": round(point.latitude, 6),
            "longitude": round(point.longitude, 6),
            "addresses": [address],
            "accessibility": access,
        }
    )
    return {
        "id": hsds_id("service_at_location", asset.id),
        "service_id": service_id,
        "location_id": location_id,
        "location": location,
    }


def _online_location(asset: Asset, service_id: str) -> dict[str, Any] | None:
    """Online and hybrid entries are also delivered at a "virtual" location (the profile's
    location has no URL: the joining details are on the page at the service's url)."""
    if asset.attendance == Attendance.in_person or asset.id is None:
        return None
    location_id = hsds_id("online_location", asset.id)
    return {
        "id": hsds_id("online_service_at_location", asset.id),
        "service_id": service_id,
        "location_id": location_id,
        "location": {"id": location_id, "location_type": "virtual", "name": "Online"},
    }


def _organization(asset: Asset) -> dict[str, Any] | None:
    org = asset.organisation
    if org is None or org.id is None:
        return None
    return _clean(
        {
            "id": hsds_id("organization", org.id),
            "name": org.name,
            "description": org.description or org.name,
            "website": org.website,
            "email": org.public_email,
        }
    )


def service(asset: Asset, *, nested: bool) -> dict[str, Any]:
    """An HSDS service: the list shape, or fully nested for /services/{id}."""
    assert asset.id is not None
    service_id = hsds_id("service", asset.id)
    organization = _organization(asset)
    data: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization["id"] if organization else None,
        "name": asset.name,
        "description": asset.description,
        "url": asset.website or f"{get_settings().base_url}/assets/{asset.id}",
        "email": asset.public_email,
        "status": "active",
        "fees": asset.cost,
        "minimum_age": YOUNG_PEOPLE_AGES[0] if asset.audience == Audience.young_people else None,
        "maximum_age": YOUNG_PEOPLE_AGES[1] if asset.audience == Audience.young_people else None,
        "last_modified": asset.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "organization": organization,
    }
    if nested:
        sal = _location(asset, service_id)
        online = _online_location(asset, service_id)
        data.update(
            schedules=[_schedule(s, service_id) for s in asset.schedules],
            service_at_locations=[x for x in (sal, online) if x],
            attributes=_attributes(asset, service_id),
        )
    return _clean(data)


def service_at_location(asset: Asset) -> dict[str, Any] | None:
    assert asset.id is not None
    sal = _location(asset, hsds_id("service", asset.id))
    if sal is None:
        return None
    sal["service"] = service(asset, nested=False)
    return sal


def page(
    contents: list[dict[str, Any]], *, total: int, page_number: int, size: int
) -> dict[str, Any]:
    """The profile's paginated envelope."""
    total_pages = max(1, -(-total // size))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": size,
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
