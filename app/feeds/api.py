"""Feed endpoints: Meeting Guide JSON and iCalendar, from the one search."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from app.assets.models import AssetKind
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import last_modified
from app.core.db import get_session
from app.feeds.http import http_date
from app.feeds.ical import calendar_for
from app.feeds.meeting_guide import meeting_rows
from app.places.service import get_place

router = APIRouter(prefix="/feeds", tags=["feeds"])
SessionDep = Annotated[Session, Depends(get_session)]
ICAL = "text/calendar; charset=utf-8"


@router.get(
    "/meeting-guide.json",
    summary="Meeting Guide (code4recovery) JSON of every published meeting",
    response_description="An array of meetings, one per weekday, as the spec and TSML UI expect.",
)
def meeting_guide(
    session: SessionDep,
    town: Annotated[str | None, Query(description="Town slug")] = None,
    fellowship: Annotated[str | None, Query(description="e.g. AA, NA, CA, SMART")] = None,
) -> Response:
    params = SearchParams(kind=[AssetKind.meeting], town=town, fellowship=fellowship)
    result = search_assets(session, params=params, paginate=False)
    rows: list[dict[str, Any]] = meeting_rows(result.hits, result.towns, result.now)
    return JSONResponse(rows, headers={"Last-Modified": http_date(last_modified(session))})


def _calendar(session: Session, params: SearchParams, name: str) -> Response:
    result = search_assets(session, params=params, paginate=False)
    body = calendar_for([h.asset for h in result.hits], name=name, now=result.now)
    return Response(
        body, media_type=ICAL, headers={"Last-Modified": http_date(last_modified(session))}
    )


@router.get("/all.ics", summary="iCalendar of every published entry (filters as search)")
def all_calendar(session: SessionDep, params: Annotated[SearchParams, Query()]) -> Response:
    return _calendar(session, params, "Waymark: recovery support")


@router.get("/{town}.ics", summary="iCalendar of one town (filters as search)")
def town_calendar(
    town: str, session: SessionDep, params: Annotated[SearchParams, Query()]
) -> Response:
    place = get_place(session, slug=town)
    scoped = params.model_copy(update={"town": place.slug})
    return _calendar(session, scoped, f"Waymark: recovery support in {place.name}")
