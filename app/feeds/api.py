"""Feed endpoints: Meeting Guide JSON and iCalendar, from the one search."""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from app.assets.models import AssetKind
from app.assets.search import search_assets
from app.assets.search_params import SEARCH_PARAMETERS, SearchParams, search_params_from_query
from app.assets.service import last_modified
from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.core.heap import collections_paused
from app.core.time import local_now
from app.feeds.cache import FEEDS, data_version, kept_response
from app.feeds.changes import PAGE_SIZE, changes_page
from app.feeds.http import http_date
from app.feeds.ical import calendar_for
from app.feeds.meeting_guide import meeting_rows
from app.places.service import get_place

router = APIRouter(prefix="/feeds", tags=["feeds"])
SessionDep = Annotated[Session, Depends(get_session)]
ICAL = "text/calendar; charset=utf-8"
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@router.get(
    "/meeting-guide.json",
    summary="Meeting Guide (code4recovery) JSON of every published meeting",
    response_description="An array of meetings, one per weekday, as the spec and TSML UI expect.",
)
def meeting_guide(
    request: Request,
    session: SessionDep,
    town: Annotated[str | None, Query(description="Town slug")] = None,
    fellowship: Annotated[str | None, Query(description="e.g. AA, NA, CA, SMART")] = None,
) -> Response:
    params = SearchParams(kind=[AssetKind.meeting], town=town, fellowship=fellowship)

    def build() -> tuple[bytes, str]:
        result = search_assets(session, params=params, paginate=False, upcoming=False)
        rows: list[dict[str, Any]] = meeting_rows(result.hits, result.towns, result.now)
        return json.dumps(rows, ensure_ascii=False).encode(), "application/json"

    return _cached(request, session, build)


def _cached(request: Request, session: Session, build: Callable[[], tuple[bytes, str]]) -> Response:
    def paused() -> tuple[bytes, str]:
        with collections_paused():
            return build()

    feed = FEEDS.get_or_build((str(request.url), data_version(session)), paused)
    headers = {"Last-Modified": http_date(last_modified(session))}
    return kept_response(request.headers, feed, headers)


def _calendar(request: Request, session: Session, params: SearchParams, name: str) -> Response:
    def build() -> tuple[bytes, str]:
        result = search_assets(session, params=params, paginate=False, upcoming=False)
        return calendar_for([h.asset for h in result.hits], name=name, now=result.now), ICAL

    return _cached(request, session, build)


@router.get(
    "/all.ics",
    summary="iCalendar of every published entry (filters as search)",
    openapi_extra=SEARCH_PARAMETERS,
)
def all_calendar(
    request: Request,
    session: SessionDep,
    params: Annotated[SearchParams, Depends(search_params_from_query)],
) -> Response:
    return _calendar(request, session, params, "Waymark: recovery support")


@router.get(
    "/{town}.ics",
    summary="iCalendar of one town (filters as search)",
    openapi_extra=SEARCH_PARAMETERS,
)
def town_calendar(
    town: Annotated[str, Path(description="Town slug, e.g. `tipton`")],
    request: Request,
    session: SessionDep,
    params: Annotated[SearchParams, Depends(search_params_from_query)],
) -> Response:
    place = get_place(session, slug=town)
    scoped = params.model_copy(update={"town": place.slug})
    return _calendar(request, session, scoped, f"Waymark: recovery support in {place.name}")


@router.get("/changes", summary="Change feed (OpenActive RPDE: afterTimestamp + afterId)")
def changes(
    session: SessionDep,
    after_timestamp: Annotated[
        int | None,
        Query(
            alias="afterTimestamp", ge=0, le=2**63 - 1, description="`modified` of the last item"
        ),
    ] = None,
    after_id: Annotated[
        int | None, Query(alias="afterId", ge=0, le=2**31 - 1, description="`id` of the last item")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Items a page")] = PAGE_SIZE,
) -> Response:
    if (after_timestamp is None) != (after_id is None):
        raise InvalidInputError("give both afterTimestamp and afterId, or neither", field="afterId")
    page = changes_page(
        session, after_modified=after_timestamp, after_id=after_id, limit=limit, now=local_now()
    )
    # RPDE: full pages never change, so cache them long; the last page briefly.
    max_age = 3600 if len(page.items) == limit else 8
    return JSONResponse(
        {"next": page.next_url, "items": page.items, "license": LICENSE},
        headers={"Cache-Control": f"public, max-age={max_age}"},
    )
