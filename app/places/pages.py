"""Town pages: everything in a town by kind and day, gaps, and what is just outside."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.assets.grouping import group_by_kind_and_day
from app.assets.models import AssetKind
from app.assets.present import asset_public, map_points
from app.assets.schemas import AssetPublic
from app.assets.search import search_assets
from app.assets.search_params import SearchParams, Sort
from app.core.db import get_session
from app.core.templating import templates
from app.places.models import Place
from app.places.service import get_place

router = APIRouter(include_in_schema=False)
# Fellowships whose absence from a town is worth saying out loud.
CORE_FELLOWSHIPS = ("AA", "NA", "CA", "SMART")
JUST_OUTSIDE_MILES = 2.0


@dataclass
class FellowshipGap:
    fellowship: str
    nearest: AssetPublic | None


def fellowship_gaps(session: Session, town: Place, present: set[str]) -> list[FellowshipGap]:
    """For each core fellowship with no meeting in the town, the nearest one anywhere."""
    gaps = []
    for fellowship in CORE_FELLOWSHIPS:
        if fellowship in present:
            continue
        nearest = search_assets(
            session,
            params=SearchParams(
                near=town.name, radius=50, kind=[AssetKind.meeting], fellowship=fellowship,
                sort=Sort.distance, per_page=1,
            ),
        )  # fmt: skip
        hit = [asset_public(h, nearest.towns, nearest.now) for h in nearest.hits]
        gaps.append(FellowshipGap(fellowship, hit[0] if hit else None))
    return gaps


@router.get("/towns/{slug}", response_class=HTMLResponse)
def town_page(
    slug: str, request: Request, session: Annotated[Session, Depends(get_session)]
) -> HTMLResponse:
    town = get_place(session, slug=slug)
    inside = search_assets(session, params=SearchParams(town=town.slug), paginate=False)
    items = [asset_public(h, inside.towns, inside.now) for h in inside.hits]
    outside = search_assets(
        session, params=SearchParams(), paginate=False, around=town, around_miles=JUST_OUTSIDE_MILES
    )
    nearby = [asset_public(h, outside.towns, outside.now) for h in outside.hits]
    present = {i.fellowship for i in items if i.kind == AssetKind.meeting and i.fellowship}
    return templates().TemplateResponse(
        request,
        "places/town.html",
        {
            "town": town,
            "total": len(items),
            "groups": group_by_kind_and_day(items),
            "gaps": fellowship_gaps(session, town, present),
            "nearby": nearby,
            "just_outside_miles": JUST_OUTSIDE_MILES,
            "map_points": map_points(items),
        },
    )
