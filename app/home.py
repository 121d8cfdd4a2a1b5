"""Home and about pages."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.assets import search
from app.assets.present import asset_public
from app.assets.schemas import AssetPublic
from app.assets.search_params import SearchParams, Sort, When
from app.core.db import get_session
from app.core.recent import Recent
from app.core.templating import templates
from app.core.time import local_now
from app.feeds.cache import data_version
from app.feeds.kept_pages import Built, kept_page
from app.places.models import PlaceKind
from app.places.service import list_places

router = APIRouter(include_in_schema=False)
TODAY_SHOWN = 6


@dataclass(frozen=True)
class OnToday:
    shown: list[AssetPublic]  # the soonest TODAY_SHOWN
    total: int
    more_than: int | None  # the matches were counted only to this many


def _on_today(session: Session) -> OnToday:
    today = search.search_assets(
        session, params=SearchParams(when=When.today, sort=Sort.next, per_page=TODAY_SHOWN)
    )
    shown = [asset_public(h, today.towns, today.now) for h in today.hits]
    # "More than 5,000" rather than the planner's estimate past sort=next's cap: true, where
    # across England the estimate of what is on the rest of today can be twice the truth.
    more_than = None if today.total_exact else today.counted_to
    return OnToday(shown, today.total, more_than)


# Every visitor's home page shows the same "on today" until the data or the minute changes
# ("starts in 20 min"); nationally, at a million entries, it took 380-975 ms to work out.
_ON_TODAY = Recent(_on_today, key=lambda s: (data_version(s), local_now().strftime("%Y%m%d%H%M")))


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: Annotated[Session, Depends(get_session)]) -> Response:
    # Kept for the minute (app.feeds.kept_pages): when the minute turns one visitor works out
    # "on today" and the rest have last minute's page meanwhile, rather than each doing it.
    return kept_page(request, session, lambda now: Built(_home(request, session)))


def _home(request: Request, session: Session) -> Response:
    today = _ON_TODAY.get(session)
    return templates().TemplateResponse(
        request,
        "home.html",
        {
            "towns": list_places(session, kind=PlaceKind.town),
            "today": today.shown,
            "today_total": today.total,
            "today_more_than": today.more_than,
        },
    )


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    return templates().TemplateResponse(request, "about.html", {})
