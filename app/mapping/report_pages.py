"""What needs checking (stale entries) and what is missing (the gap report, also as CSV and
JSON)."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import or_, select
from sqlmodel import Session, col

from app.accounts.auth import Mapper
from app.assets.models import Asset, AssetKind, AssetStatus
from app.core.config import get_settings
from app.core.csvout import csv_text
from app.core.db import get_session
from app.core.labels import KIND_LABELS
from app.core.templating import templates
from app.core.timestamps import utcnow
from app.mapping.gaps import GapReport, gap_report
from app.places.models import Place
from app.venues.models import Venue

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["gaps"])
SessionDep = Annotated[Session, Depends(get_session)]
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def stale_entries(session: Session) -> list[tuple[str, Asset]]:
    """Published entries not checked for `stale_after_days`, oldest first, with their town."""
    cutoff = utcnow() - timedelta(days=get_settings().stale_after_days)
    rows = session.execute(
        select(Asset, Place.name)  # type: ignore[call-overload]
        .outerjoin(Venue, col(Venue.id) == col(Asset.venue_id))
        .outerjoin(Place, col(Place.id) == col(Venue.town_id))
        .where(
            col(Asset.status) == AssetStatus.published,
            or_(col(Asset.last_verified_at).is_(None), col(Asset.last_verified_at) < cutoff),
        )
        .order_by(col(Asset.last_verified_at).asc().nulls_first(), col(Asset.id))
    ).all()
    return [(town or "Outside the towns", asset) for asset, town in rows]


@router.get("/mapper/stale", response_class=HTMLResponse)
def stale_page(request: Request, session: SessionDep, me: Mapper) -> Response:
    town = request.query_params.get("town")
    rows = [(t, a) for t, a in stale_entries(session) if not town or t == town]
    return templates().TemplateResponse(
        request, "mapping/stale.html",
        {"me": me, "rows": rows, "days": get_settings().stale_after_days, "town": town},
    )  # fmt: skip


def report_json(report: GapReport) -> dict[str, Any]:
    return {
        "towns": report.towns,
        "kinds": {t: {k.value: n for k, n in c.items()} for t, c in report.kind_counts.items()},
        "meetings_by_day": {
            t: dict(zip(DAYS, days, strict=True)) for t, days in report.meeting_days.items()
        },
        "nearest_meetings": [
            {
                "fellowship": n.fellowship,
                "town": n.town,
                "nearest": n.name,
                "distance_miles": n.distance_miles,
                "in_town": n.in_town,
            }  # fmt: skip
            for n in report.nearest
        ],
        "empty_searches": [{"area": a, "count": n} for a, n in report.empty_searches],
    }


@router.get("/mapper/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, session: SessionDep, me: Mapper) -> Response:
    return templates().TemplateResponse(
        request, "mapping/gaps.html", {"me": me, "r": gap_report(session), "days": DAYS}
    )


@router.get("/mapper/gaps.csv")
def gaps_csv(session: SessionDep, me: Mapper) -> Response:
    report = gap_report(session)
    rows: list[list[object]] = [
        ["town", *[KIND_LABELS[k][1] for k in AssetKind], *[f"meetings {d}" for d in DAYS]]
    ]
    for town in report.towns:
        counts = [report.kind_counts[town][k] for k in AssetKind]
        rows.append([town, *counts, *report.meeting_days[town]])
    rows += [[], ["fellowship", "town", "in town", "nearest meeting", "miles"]]
    for n in report.nearest:
        rows.append([n.fellowship, n.town, "yes" if n.in_town else "no", n.name or "",
                     n.distance_miles or ""])  # fmt: skip
    return Response(
        csv_text(rows), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="waymark-gaps.csv"'},
    )  # fmt: skip


@api_router.get("/gaps", summary="The gap report: counts by town, kind and day; nearest meetings")
def gaps_api(session: SessionDep) -> dict[str, Any]:
    return report_json(gap_report(session))
