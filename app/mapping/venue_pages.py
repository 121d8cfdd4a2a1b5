"""The venue register (/mapper/venues) and "where it could go" (CSV and a one-page brief)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.accounts.auth import CheckedForm, Mapper
from app.core.csvout import csv_text
from app.core.db import get_session
from app.core.errors import NotFoundError
from app.core.geo import latlon_of
from app.core.labels import FELLOWSHIP_NAMES
from app.core.templating import templates
from app.mapping.placement import Placement, where_it_could_go
from app.places.models import PlaceKind
from app.places.service import get_place, list_places
from app.printing.pdf import pdf_response
from app.venues.hosting import HostingFilters, find_hosting_venues, set_hosting
from app.venues.models import ACCESS_LABELS, SLOT_CODES, CostBand, Venue, VenueHosting

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
BRIEF_HEADER = [
    "town", "fellowship", "rank", "venue", "address", "postcode", "capacity", "cost",
    "free weekday evenings", "accessibility", "nearest meeting", "miles to it",
]  # fmt: skip


def _filters(request: Request) -> HostingFilters:
    q = request.query_params
    capacity = q.get("capacity", "")
    cost = q.get("cost", "")
    return HostingFilters(
        town=q.get("town") or None,
        max_cost=CostBand(cost) if cost in ("free", "low") else None,
        access=[a for a in q.getlist("access") if a in {x.value for x in ACCESS_LABELS}],
        min_capacity=int(capacity) if capacity.isdigit() else None,
        slots=[s for s in q.getlist("slot") if s in SLOT_CODES],
        kitchen=q.get("kitchen") == "yes",
    )


@router.get("/mapper/venues", response_class=HTMLResponse)
def venues_page(request: Request, session: SessionDep, me: Mapper) -> Response:
    found = find_hosting_venues(session, filters=_filters(request))
    points = []
    for venue, _ in found:
        p = latlon_of(venue.location)
        points.append({"lat": p.latitude, "lon": p.longitude, "venue": venue.name,
                       "entries": [{"name": venue.name, "url": f"/mapper/venues/{venue.id}/hosting",
                                    "when": f"{venue.room_capacity or '?'} people"}]})  # fmt: skip
    return templates().TemplateResponse(
        request, "mapping/venues.html",
        {"me": me, "found": found, "form": request.query_params, "slots": SLOT_CODES,
         "towns": [p for p, _ in list_places(session, kind=PlaceKind.town)], "map_points": points},
    )  # fmt: skip


@router.get("/mapper/venues/{venue_id}/hosting", response_class=HTMLResponse)
def hosting_form(venue_id: int, request: Request, session: SessionDep, me: Mapper) -> Response:
    venue = _venue(session, venue_id)
    values = VenueHosting.model_validate(venue, from_attributes=True).model_dump()
    return _hosting_page(request, me, venue, values, {})


def _venue(session: Session, venue_id: int) -> Venue:
    venue = session.get(Venue, venue_id)
    if venue is None:
        raise NotFoundError(f"no venue with id {venue_id}")
    return venue


def _hosting_page(request: Request, me: Any, venue: Venue, values: dict[str, Any],
                  errors: dict[str, str], status: int = 200) -> Response:  # fmt: skip
    return templates().TemplateResponse(
        request, "mapping/hosting.html",
        {"me": me, "venue": venue, "v": values, "errors": errors, "slots": SLOT_CODES},
        status_code=status,
    )  # fmt: skip


@router.post("/mapper/venues/{venue_id}/hosting", response_class=HTMLResponse)
def save_hosting(
    venue_id: int, request: Request, session: SessionDep, me: Mapper, form: CheckedForm
) -> Response:
    venue = _venue(session, venue_id)
    values: dict[str, Any] = {
        "hosts_groups": form.get("hosts_groups") == "yes",
        "room_capacity": form.get("room_capacity") or None,
        "cost_band": form.get("cost_band") or None,
        "hosting_terms": form.get("hosting_terms") or None,
        "free_slots": [str(s) for s in form.getlist("free_slots")],
        "kitchen": form.get("kitchen") == "yes",
        "hosting_public": form.get("hosting_public") == "yes",
        "hosting_contact": form.get("hosting_contact") or None,
    }
    try:
        data = VenueHosting.model_validate(values)
    except ValidationError as exc:
        errors = {
            str(e["loc"][0]): str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()
        }
        return _hosting_page(request, me, venue, values, errors, status=422)
    set_hosting(session, venue=venue, data=data, user_id=me.user_id)
    return RedirectResponse("/mapper/venues", status_code=303)


def placement_rows(placements: list[Placement]) -> list[list[str]]:
    """One row per candidate venue: the CSV and the brief show exactly these."""
    rows = []
    for p in placements:
        for rank, c in enumerate(p.candidates, start=1):
            v = c.venue
            rows.append([
                p.town.name, p.fellowship, str(rank), v.name, v.address_line1 or "",
                v.postcode or "",
                str(v.room_capacity or ""), v.cost_band.value if v.cost_band else "",
                ", ".join(s.split("_")[0].title() for s in c.evenings),
                ", ".join(ACCESS_LABELS[a] for a in ACCESS_LABELS if a.value in v.accessibility),
                c.nearest_name or "none within 50 miles",
                f"{c.nearest_miles:.1f}" if c.nearest_miles is not None else "",
            ])  # fmt: skip
    return rows


@router.get("/mapper/gaps/venues.csv")
def placements_csv(request: Request, session: SessionDep, me: Mapper) -> Response:
    town = request.query_params.get("town") or None
    body = csv_text([BRIEF_HEADER, *placement_rows(where_it_could_go(session, town_slug=town))])
    return Response(
        body, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="waymark-where-it-could-go.csv"'},
    )  # fmt: skip


def brief_html(session: Session, slug: str, *, screen: bool) -> str:
    town = get_place(session, slug=slug)
    placements = where_it_could_go(session, town_slug=town.slug)
    return templates().get_template("print/brief.html").render(
        town=town, placements=placements, rows=placement_rows(placements), header=BRIEF_HEADER,
        fellowships=FELLOWSHIP_NAMES, screen=screen,
        css_href="/static/css/print.css" if screen else "css/print.css",
    )  # fmt: skip


@router.get("/mapper/gaps/{slug}/brief", response_class=HTMLResponse)
def brief(slug: str, session: SessionDep, me: Mapper) -> str:
    return brief_html(session, slug, screen=True)


@router.get("/mapper/gaps/{slug}/brief.pdf")
async def brief_pdf(slug: str, request: Request, session: SessionDep, me: Mapper) -> Response:
    return await pdf_response(request, lambda: brief_html(session, slug, screen=False))
