"""Public HTML pages for searching (thin: parse → search → render)."""

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.assets.interests import interests_by_five_ways
from app.assets.meeting_types import meeting_types
from app.assets.models import AssetKind
from app.assets.present import asset_public, map_points
from app.assets.search import SearchResult, search_assets
from app.assets.search_form import SearchForm, parse_search_form, query_strings
from app.assets.search_params import When
from app.core.db import SessionFactory, get_session_factory
from app.core.errors import InvalidInputError
from app.core.labels import AUDIENCE_LABELS, WHEN_LABELS
from app.core.templating import templates
from app.feeds.kept_pages import Built, kept_page
from app.geocoding.service import locate
from app.mapping.demand import record_empty_search
from app.places.service import nearest_towns, town_choices

router = APIRouter(include_in_schema=False)
FORM_TYPE_CODES = ("O", "C", "BE", "SP", "D", "ST", "B", "LIT", "W", "M", "LGBTQ", "Y", "X")


def form_context(session: Session, request: Request, form: SearchForm) -> dict[str, Any]:
    """What the search form needs: towns, interests, codes and what was typed."""
    types = meeting_types()
    return {
        "form": request.query_params,
        "errors": form.errors,
        "towns": town_choices(session),
        "interest_groups": interests_by_five_ways(session),
        "meeting_types": [(c, f"{types[c]} ({c})") for c in FORM_TYPE_CODES if c in types],
        "kind_counts": None,
        "open_filters": bool(form.errors),
    }


def run_search(
    session: Session, form: SearchForm, **options: Any
) -> tuple[SearchResult | None, SearchForm]:
    """Search, turning an unknown postcode or town into a message next to its field."""
    try:
        return search_assets(session, params=form.params, **options), form
    except InvalidInputError as exc:
        form.errors[exc.field or "near"] = exc.message[:1].upper() + exc.message[1:] + "."
        return None, form


def _suggestions(session: Session, result: SearchResult) -> list[tuple[str, str]]:
    """Ways out of an empty result: wider radius, fewer filters, nearby towns."""
    p = result.params
    link = query_strings(p)
    out: list[tuple[str, str]] = []
    if p.near and p.radius < 50:
        wider = min(50, max(p.radius * 2, 5))
        out.append((f"Search within {wider:g} miles", "/search?" + link(radius=wider)))
    labels = {"kind": "kind", "interest": "interests", "day": "days", "time": "time of day",
              "when": WHEN_LABELS.get(p.when.value, "") if p.when else "", "mode": "how you join",
              "access": "accessibility needs", "type": "meeting type", "q": f"words “{p.q}”",
              "fellowship": "fellowship",
              "audience": AUDIENCE_LABELS[p.audience] if p.audience else ""}  # fmt: skip
    for key in p.filters():
        if key in labels:
            out.append((f"Remove the filter: {labels[key]}", "/search?" + link(**{key: None})))
    point = result.origin.point if result.origin else None
    if point is None and result.town is not None:
        point = locate(session, query=result.town.name).point
    if point is not None:
        for town in nearest_towns(session, point=point, limit=4):
            if result.town is None or town.id != result.town.id:
                out.append(
                    (
                        f"Look in {town.name}",
                        "/search?" + link(town=town.slug, near=None),
                    )
                )
    if p.when in (When.now, When.today):
        out.append(("Show this week as well", "/search?" + link(when="week", page=None)))
    out.append(("See everything on this week", "/search?when=week"))
    return out


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request, sessions: Annotated[SessionFactory, Depends(get_session_factory)]
) -> Response:
    # On the event loop, as the API search (app.assets.api): in a thread, with the GIL handed
    # between it and the loop at each database wait, all-different pages at a million entries
    # took 5.7-7.2 ms of Python (4.3-4.6 here): 1 worker 131-165 -> 171-181 pages a second,
    # 2 workers 238-276 -> 322-387 (p95 84-115 -> 46-57 ms). A worker renders one page at a
    # time; letting the loop run once first keeps that fair: without it one worker's p99 was
    # 400-447 ms (some requests waited through several turns of others), 175-181 with it.
    await asyncio.sleep(0)
    with sessions() as session:
        return kept_page(request, session, lambda now: _search_page(request, session, now))


def _search_page(request: Request, session: Session, now: datetime) -> Built:
    """The page, kept for the minute unless it recorded a search that found nothing."""
    form = parse_search_form(request.query_params)
    result, form = run_search(session, form, facets=True, now=now)
    context = form_context(session, request, form)
    context["searched"] = form.params.is_filtered()
    if result is not None:
        items = [asset_public(h, result.towns, result.now) for h in result.hits]
        p = result.params
        link = query_strings(p)
        context.update(
            result=result,
            heading=results_heading(result),
            widen_link="/search?" + link(when="week", page=None)
            if p.when in (When.now, When.today)
            else None,
            items=items,
            map_points=map_points(items),
            kind_counts={k: result.kind_counts[k] for k in AssetKind if k in result.kind_counts}
            or None,  # too many matches to count each kind: the kinds are listed bare
            facet_links={k: "/search?" + link(kind=[k.value], page=None) for k in AssetKind},
            page_links={
                "prev": "/search?" + link(page=p.page - 1) if p.page > 1 else None,
                "next": "/search?" + link(page=p.page + 1) if p.page < result.pages else None,
            },
            suggestions=_suggestions(session, result) if not items else [],
        )
        recorded = not items and p.is_filtered()
        if recorded:
            record_empty_search(session, params=p, origin=result.origin, town=result.town)
    else:
        recorded = False
        context.update(result=None, items=[], map_points=[])
    page = templates().TemplateResponse(request, "assets/search.html", context)
    return Built(page, keep=not recorded)


def how_many(result: SearchResult) -> str:
    """The matches in words: '23', 'more than 500', 'about 5,032'."""
    if result.total_exact:
        return f"{result.total:,}"
    if result.more_than is not None:
        return f"more than {result.more_than:,}"
    return f"about {result.total:,}"


def results_heading(result: SearchResult) -> str:
    """'23 results within 5 miles of B69 3DE', 'Nothing found in Tipton'."""
    n = result.total
    if result.total_exact and not n:
        words = ["Nothing found"]
    else:
        count = how_many(result)
        words = [f"{count[:1].upper()}{count[1:]} result{'s' if n != 1 else ''}"]
    if result.origin:
        words.append(f"within {result.params.radius:g} miles of {result.origin.label}")
    if result.town:
        words.append(f"in {result.town.name}")
    return " ".join(words)
