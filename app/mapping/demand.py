"""Unmet demand: searches that found nothing, recorded without personal data."""

from typing import Any

from sqlmodel import Session

from app.assets.search_params import SearchParams
from app.geocoding.service import Located
from app.mapping.models import EmptySearch
from app.places.models import Place


def _area(origin: Located | None, town: Place | None) -> str | None:
    if town is not None:
        return town.name
    if origin is None:
        return None
    if origin.precision in ("postcode", "outcode", "online"):
        return origin.label.split(" ")[0]  # the outcode only
    if origin.precision == "town":
        return origin.label
    return f"{origin.point.latitude:.1f},{origin.point.longitude:.1f}"  # ~10 km


def record_empty_search(
    session: Session, *, params: SearchParams, origin: Located | None, town: Place | None
) -> EmptySearch:
    filters: dict[str, Any] = params.model_dump(
        mode="json", exclude={"near", "town", "page", "per_page", "sort"}, exclude_defaults=True
    )
    if params.q:
        filters["q"] = params.q[:100]
    entry = EmptySearch(area=_area(origin, town), filters=filters)
    session.add(entry)
    session.flush()
    return entry
