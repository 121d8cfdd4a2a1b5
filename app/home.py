"""Home and about pages."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.assets.present import asset_public
from app.assets.search import search_assets
from app.assets.search_params import SearchParams, Sort, When
from app.core.db import get_session
from app.core.templating import templates
from app.places.models import PlaceKind
from app.places.service import list_places

router = APIRouter(include_in_schema=False)
TODAY_SHOWN = 6


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: Annotated[Session, Depends(get_session)]) -> HTMLResponse:
    today = search_assets(
        session, params=SearchParams(when=When.today, sort=Sort.next, per_page=TODAY_SHOWN)
    )
    return templates().TemplateResponse(
        request,
        "home.html",
        {
            "towns": list_places(session, kind=PlaceKind.town),
            "today": [asset_public(h, today.towns, today.now) for h in today.hits],
            "today_total": today.total,
        },
    )


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    return templates().TemplateResponse(request, "about.html", {})
