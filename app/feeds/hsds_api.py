"""Open Referral UK (HSDS 3.0 UK profile) endpoints under /hsds."""

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.filters import YOUNG_PEOPLE_AGES
from app.assets.interests import list_interests
from app.assets.models import Asset, AssetKind, AssetStatus, Attendance, Interest
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import ASSET_DETAILS
from app.core.config import get_settings
from app.core.db import get_session
from app.core.errors import InvalidInputError, NotFoundError
from app.core.time import Weekday
from app.feeds import hsds
from app.feeds.hsds_ids import parse_hsds_id

router = APIRouter(prefix="/hsds", tags=["Open Referral UK (HSDS 3.0)"])
SessionDep = Annotated[Session, Depends(get_session)]
METRES_PER_MILE = 1609.344
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "MO", "mon" and "monday" all work, as partners send all three.
DAY_NAMES: dict[str, Weekday] = {}
for _weekday, _name in zip(Weekday, FULL_DAY_NAMES, strict=True):
    DAY_NAMES.update({_weekday.value: _weekday, _name[:2]: _weekday, _name: _weekday})


@router.get("/", summary="About this API: HSDS version and profile")
def about() -> dict[str, str]:
    base = get_settings().base_url
    return {"version": hsds.VERSION, "profile": hsds.PROFILE, "openapi_url": f"{base}/openapi.json"}


def _term_filter(term_id: str | None) -> dict[str, Any]:
    if not term_id:
        return {}
    kind_number = parse_hsds_id("kind_term", term_id)
    if kind_number is not None:
        kinds = [k for k, n in hsds.KIND_NUMBERS.items() if n == kind_number]
        if kinds:
            return {"kind": kinds}
    interest = parse_hsds_id("interest_term", term_id)
    if interest is not None:
        return {"interest_id": interest}
    raise InvalidInputError(f"unknown taxonomy_term_id {term_id}", field="taxonomy_term_id")


@router.get("/services", summary="Services (paginated), filterable")
def services(
    session: SessionDep,
    search: Annotated[str | None, Query(max_length=200, description="Free text")] = None,
    page: Annotated[int, Query(ge=1, le=10_000, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100, description="Items a page")] = 50,
    taxonomy_term_id: Annotated[str | None, Query(description="A kind or interest term")] = None,
    modified_after: Annotated[datetime | None, Query(description="ISO 8601")] = None,
    postcode: Annotated[str | None, Query(max_length=10, description="Near this postcode")] = None,
    proximity: Annotated[float | None, Query(gt=0, le=80_000, description="Metres")] = None,
    day: Annotated[str | None, Query(description="MO…SU or monday…sunday")] = None,
    start_time: Annotated[time | None, Query(description="Starts at or after, HH:MM")] = None,
    end_time: Annotated[time | None, Query(description="Ends by, HH:MM")] = None,
    minimum_age: Annotated[int | None, Query(ge=0, le=120, description="Youngest age")] = None,
    maximum_age: Annotated[int | None, Query(ge=0, le=120, description="Oldest age")] = None,
) -> dict[str, Any]:
    filters: dict[str, Any] = {"q": search, "page": page, "per_page": per_page,
                               "modified_after": modified_after}  # fmt: skip
    term = _term_filter(taxonomy_term_id)
    if "interest_id" in term:
        interest = session.get(Interest, term.pop("interest_id"))
        term["interest"] = [interest.slug] if interest else ["-"]
    filters.update(term)
    if postcode:
        filters.update(near=postcode, radius=(proximity or 8046.72) / METRES_PER_MILE)
    if day:
        weekday = DAY_NAMES.get(day.strip().lower())
        if weekday is None:
            raise InvalidInputError(f"unknown day {day!r}; use MO…SU", field="day")
        filters["day"] = [weekday]
    filters.update(
        starts_after=start_time, ends_before=end_time, age=_age(minimum_age, maximum_age)
    )
    result = search_assets(session, params=SearchParams.model_validate(filters))
    contents = [hsds.service(h.asset, nested=False) for h in result.hits]
    return hsds.page(contents, total=result.total, page_number=page, size=per_page)


def _age(minimum: int | None, maximum: int | None) -> int | None:
    """An age range that misses the young people's groups' ages excludes them."""
    lo, hi = YOUNG_PEOPLE_AGES
    if maximum is not None and maximum < lo:
        return maximum
    if minimum is not None and minimum > hi:
        return minimum
    return None


def _published_asset(session: Session, value: str, kind: str) -> Asset:
    number = parse_hsds_id(kind, value)
    asset: Asset | None = (
        session.execute(
            select(Asset)
            .where(col(Asset.id) == number, col(Asset.status) == AssetStatus.published)
            .options(*ASSET_DETAILS)
        ).scalar_one_or_none()
        if number is not None
        else None
    )
    if asset is None:
        raise NotFoundError(f"no {kind.replace('_', ' ')} with id {value}")
    return asset


@router.get("/services/{service_id}", summary="One service, fully nested")
def one_service(
    service_id: Annotated[str, Path(description="Service id (UUID)")], session: SessionDep
) -> dict[str, Any]:
    return hsds.service(_published_asset(session, service_id, "service"), nested=True)


@router.get("/service_at_locations", summary="Services at their locations (paginated)")
def service_at_locations(
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100, description="Items a page")] = 50,
) -> dict[str, Any]:
    # In-person and hybrid entries: the ones with a venue (online-only have no location).
    params = SearchParams(mode=Attendance.in_person, page=page, per_page=per_page)
    result = search_assets(session, params=params)
    contents = [s for h in result.hits if (s := hsds.service_at_location(h.asset))]
    return hsds.page(contents, total=result.total, page_number=page, size=per_page)


@router.get("/service_at_locations/{sal_id}", summary="One service at a location")
def one_service_at_location(
    sal_id: Annotated[str, Path(description="Service-at-location id (UUID)")], session: SessionDep
) -> dict[str, Any]:
    found = hsds.service_at_location(_published_asset(session, sal_id, "service_at_location"))
    if found is None:
        raise NotFoundError(f"no service at location with id {sal_id}")
    return found


@router.get("/taxonomies", summary="Taxonomies (kinds and interests)")
def taxonomies() -> dict[str, Any]:
    items = [hsds.taxonomy(n) for n in hsds.TAXONOMIES]
    return hsds.page(items, total=len(items), page_number=1, size=max(1, len(items)))


@router.get("/taxonomies/{taxonomy_id}", summary="One taxonomy")
def one_taxonomy(
    taxonomy_id: Annotated[str, Path(description="Taxonomy id (UUID)")],
) -> dict[str, Any]:
    number = parse_hsds_id("taxonomy", taxonomy_id)
    if number not in hsds.TAXONOMIES:
        raise NotFoundError(f"no taxonomy with id {taxonomy_id}")
    return hsds.taxonomy(number)


def _all_terms(session: Session) -> list[dict[str, Any]]:
    return [hsds.kind_term(k) for k in AssetKind] + [
        hsds.interest_term(i) for i in list_interests(session)
    ]


@router.get("/taxonomy_terms", summary="Taxonomy terms (paginated)")
def taxonomy_terms(
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="Items a page")] = 100,
) -> dict[str, Any]:
    terms = _all_terms(session)
    window = terms[(page - 1) * per_page : page * per_page]
    return hsds.page(window, total=len(terms), page_number=page, size=per_page)


@router.get("/taxonomy_terms/{term_id}", summary="One taxonomy term")
def one_taxonomy_term(
    term_id: Annotated[str, Path(description="Taxonomy term id (UUID)")], session: SessionDep
) -> dict[str, Any]:
    for term in _all_terms(session):
        if term["id"] == term_id:
            return term
    raise NotFoundError(f"no taxonomy term with id {term_id}")
