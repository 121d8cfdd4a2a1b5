"""Town pages: everything in a town by kind and day, gaps, and what is just outside."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.assets.grouping import group_by_kind_and_day
from app.assets.pages import how_many
from app.assets.present import asset_public, map_points
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core.db import get_session
from app.core.templating import templates
from app.feeds.kept_pages import Built, kept_page
from app.mapping.gaps import fellowship_gaps
from app.places.models import Place
from app.places.service import get_place

router = APIRouter(include_in_schema=False)
JUST_OUTSIDE_MILES = 2.0
# The entries just outside are shown nearest the boundary first, this many: around a town in
# a conurbation at a million entries there were 20,097 (3.1 s to find, the page 6.5 s).
NEARBY_SHOWN = 30


@router.get("/towns/{slug}", response_class=HTMLResponse)
def town_page(
    slug: str, request: Request, session: Annotated[Session, Depends(get_session)]
) -> Response:
    town = get_place(session, slug=slug)
    return kept_page(request, session, lambda now: Built(_town_page(request, session, town, now)))


def _town_page(request: Request, session: Session, town: Place, now: datetime) -> Response:
    inside = search_assets(session, params=SearchParams(town=town.slug), paginate=False, now=now)
    items = [asset_public(h, inside.towns, inside.now) for h in inside.hits]
    # The entries as read are done with: at a million entries Oldbury's 3,070 held 13 MB
    # through the page's rendering (a worker's peak: 269 MB with the page, 170 without).
    inside.hits.clear()
    outside = search_assets(
        session, params=SearchParams(per_page=NEARBY_SHOWN), around=town,
        around_miles=JUST_OUTSIDE_MILES, now=now,
    )  # fmt: skip
    nearby = [asset_public(h, outside.towns, outside.now) for h in outside.hits]
    return templates().TemplateResponse(
        request,
        "places/town.html",
        {
            "town": town,
            "total": len(items),
            "groups": group_by_kind_and_day(items),
            "gaps": fellowship_gaps(session, town),
            "nearby": nearby,
            "nearby_total": outside.total,
            "nearby_count": how_many(outside),
            "just_outside_miles": JUST_OUTSIDE_MILES,
            "map_points": map_points(items),
        },
    )
