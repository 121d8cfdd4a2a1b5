"""Open Referral UK (HSDS 3.0 UK profile): the `/services` list, page after page.

The list gives each service in brief; a service without its schedules and locations is read in
full from `/services/{id}`. Kinds come from a taxonomy term whose `term` is one of ours (as in
our own feed), otherwise from the source's default kind. Inactive services are left out (and so,
if they were imported before, flagged as possibly closed)."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import ijson

from app.assets.models import AssetKind
from scrapers.base import ImportRecord, Payload, SourceError, SourceOptions, as_payload
from scrapers.meeting_guide import parse_time, plain

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _page_url(location: str, number: int) -> str:
    parts = urlsplit(location)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    query["page"] = str(number)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _detail_url(location: str, service_id: str) -> str:
    parts = urlsplit(location)
    path = parts.path.rstrip("/")
    return urlunsplit(parts._replace(path=f"{path}/{service_id}", query=""))


def _byday(value: Any) -> list[tuple[int | None, int]]:
    found = []
    for item in str(value or "").replace(" ", "").upper().split(","):
        if len(item) >= 2 and item[-2:] in DAYS:
            ordinal = item[:-2]
            found.append(
                (int(ordinal) if ordinal.lstrip("+-").isdigit() else None, DAYS.index(item[-2:]))
            )
    return found


def _schedule(data: dict[str, Any]) -> dict[str, Any] | None:
    start = parse_time(data.get("opens_at"))
    if start is None:
        return None
    schedule: dict[str, Any] = {
        "start_time": start, "end_time": parse_time(data.get("closes_at")),
        "valid_from": data.get("valid_from"), "valid_until": data.get("valid_to"),
        "notes": plain(data.get("notes")),
    }  # fmt: skip
    freq, days = str(data.get("freq") or "").upper(), _byday(data.get("byday"))
    if freq == "WEEKLY" and days:
        return {**schedule, "frequency": "weekly", "interval": int(data.get("interval") or 1),
                "weekdays": sorted({d for _, d in days})}  # fmt: skip
    if freq == "MONTHLY" and len(days) == 1 and days[0][0]:
        return {**schedule, "frequency": "monthly_nth", "weekdays": [days[0][1]],
                "nth_week": days[0][0]}  # fmt: skip
    if freq == "MONTHLY" and data.get("bymonthday"):
        return {**schedule, "frequency": "monthly_day", "month_day": int(data["bymonthday"])}
    if data.get("dtstart"):
        return {**schedule, "frequency": "once", "dates": [str(data["dtstart"])[:10]]}
    return None


def _where(service: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """(venue, online link): the first physical location, and a virtual one if any."""
    venue, link = None, None
    for sal in service.get("service_at_locations") or []:
        location = sal.get("location") or {}
        if location.get("location_type") == "virtual":
            link = link or location.get("url") or service.get("url")
        elif venue is None:
            venue = _venue(location)
    return venue, link


def _venue(location: dict[str, Any]) -> dict[str, Any]:
    addresses = location.get("addresses") or location.get("physical_addresses") or [{}]
    address = addresses[0]
    venue: dict[str, Any] = {
        "name": plain(location.get("name")) or plain(address.get("address_1")) or "Venue",
        "address_line1": plain(address.get("address_1")),
        "locality": plain(address.get("city")),
        "postcode": (address.get("postal_code") or "").upper() or None,
        "directions": plain(location.get("description")),
    }
    lat, lon = location.get("latitude"), location.get("longitude")
    if lat is not None and lon is not None and (lat or lon):
        venue["latitude"], venue["longitude"] = float(lat), float(lon)
    return venue


def _kind(service: dict[str, Any], options: SourceOptions) -> str:
    ours = {k.value for k in AssetKind}
    for attribute in service.get("attributes") or []:
        term = (attribute.get("taxonomy_term") or {}).get("term")
        if term in ours:
            return str(term)
    return options.default_kind or AssetKind.service.value


def to_fields(service: dict[str, Any], options: SourceOptions) -> dict[str, Any]:
    venue, link = _where(service)
    schedules = [s for s in map(_schedule, service.get("schedules") or []) if s is not None]
    fields: dict[str, Any] = {
        "kind": _kind(service, options),
        "name": plain(service.get("name")) or "",
        "description": plain(service.get("description")),
        "attendance": ("hybrid" if venue else "online") if link else "in_person",
        "online_url": link,
        "website": service.get("url") or None,
        "public_email": service.get("email") or None,
        "cost": plain(service.get("fees")),
        "fellowship": options.fellowship,
        "schedules": schedules,
        "source": options.name,
        "external_id": str(service.get("id")),
    }
    if venue is not None:
        fields["venue"] = venue
    return fields


def _pages(payload: Payload, options: SourceOptions) -> Iterator[dict[str, Any]]:
    number = 1
    while True:
        try:
            services = list(ijson.items(payload, "contents.item", use_float=True))
            payload.seek(0)
            total = next(ijson.items(payload, "total_pages"), None)
        except ijson.JSONError as exc:
            raise SourceError(f"not valid JSON on page {number}: {exc}") from exc
        if total is None:
            raise SourceError(f"page {number} is not an Open Referral page (no total_pages)")
        yield from services
        if number >= int(total) or not services or options.location is None:
            return
        number += 1
        payload = options.more(_page_url(options.location, number))


class HsdsSource:
    type = "hsds"

    def records(self, payload: bytes | Payload, options: SourceOptions) -> Iterator[ImportRecord]:
        for n, service in enumerate(_pages(as_payload(payload), options), start=1):
            if not isinstance(service, dict) or not service.get("id") or not service.get("name"):
                raise SourceError(f"service {n} has no id or name; is this Open Referral UK?")
            if str(service.get("status", "active")).lower() not in ("active", ""):
                continue
            if "schedules" not in service and options.location and options.fetch_more:
                detail = options.more(_detail_url(options.location.split("?")[0], service["id"]))
                service = next(ijson.items(detail, "", use_float=True), service)
            yield ImportRecord(str(service["id"]), to_fields(service, options))
