"""One entry: its page and its calendar file."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.assets.expectations import what_to_expect
from app.assets.meeting_types import meeting_types
from app.assets.present import asset_public, map_points
from app.assets.search import AssetHit, town_names
from app.assets.service import get_asset, merged_into
from app.core.config import get_settings
from app.core.db import get_session
from app.core.templating import templates
from app.core.time import local_now, next_occurrence, occurrences
from app.core.timewords import occurrence_label
from app.feeds.ical import calendar_for

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
UPCOMING_SHOWN = 5


def is_out_of_date(verified: datetime | None, now: datetime) -> bool:
    """Not checked for a year: the public page says it may be out of date."""
    limit = timedelta(days=get_settings().out_of_date_after_days)
    return verified is None or now - verified > limit


@router.get("/assets/{asset_id}.ics")
def asset_calendar(asset_id: int, session: SessionDep) -> Response:
    asset = get_asset(session, asset_id=asset_id)
    return Response(
        calendar_for([asset], name=asset.name),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="waymark-{asset_id}.ics"'},
    )


@router.get("/assets/{asset_id}", response_class=HTMLResponse)
def asset_page(asset_id: int, request: Request, session: SessionDep) -> Response:
    merged = merged_into(session, asset_id=asset_id)
    if merged is not None:  # merged entries keep their address: it leads to the one kept
        return RedirectResponse(f"/assets/{merged}", status_code=301)
    asset = get_asset(session, asset_id=asset_id)
    now = local_now()
    hit = AssetHit(asset=asset, distance_miles=None, next=next_occurrence(asset.schedules, now))
    item = asset_public(hit, town_names(session, [hit]), now)
    upcoming = [
        o for o in occurrences(asset.schedules, now - timedelta(hours=3), now + timedelta(days=400))
        if o.end > now
    ][:UPCOMING_SHOWN]  # fmt: skip
    cancelled = sorted({d for s in asset.schedules for d in s.cancelled_dates if d >= now.date()})
    codes = meeting_types()
    return templates().TemplateResponse(
        request,
        "assets/detail.html",
        {
            "item": item,
            "expect": what_to_expect(asset),
            "upcoming": [(o, occurrence_label(o, now)) for o in upcoming],
            "cancelled": cancelled,
            "type_names": [codes.get(c, c) for c in item.types],
            "map_points": map_points([item]),
            "share_url": str(request.url),
            "out_of_date": is_out_of_date(asset.last_verified_at, now),
        },
    )
