"""Printable listings: /towns/{slug}/print (HTML) and /towns/{slug}.pdf."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.assets.search_form import describe_filters, parse_search_form
from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.core.time import local_now
from app.feeds.kept_pages import Built, kept_page
from app.places.service import get_place
from app.printing.listing import PrintListing, build_listing
from app.printing.pdf import pdf_response
from app.printing.render import listing_document

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]


def listing_for(
    session: Session, request: Request, slug: str, now: datetime | None = None
) -> PrintListing:
    place = get_place(session, slug=slug)
    form = parse_search_form(request.query_params)
    if form.errors:
        field, message = next(iter(form.errors.items()))
        raise InvalidInputError(message, field=field)
    described = describe_filters(form.params)
    subtitle = f"Only: {described}" if described else None
    return build_listing(
        session, place=place, params=form.params, now=now or local_now(), subtitle=subtitle
    )


@router.get("/towns/{slug}/print", response_class=HTMLResponse)
def town_print(slug: str, request: Request, session: SessionDep) -> Response:
    # Kept for the minute (app.feeds.kept_pages): Oldbury's took 2.9 s at a million entries.
    def page(now: datetime) -> Built:
        listing = listing_for(session, request, slug, now)
        return Built(HTMLResponse(listing_document(listing, request.url.query, screen=True)))

    return kept_page(request, session, page)


@router.get("/towns/{slug}.pdf")
async def town_pdf(slug: str, request: Request, session: SessionDep) -> Response:
    return await pdf_response(
        request,
        lambda: listing_document(listing_for(session, request, slug)),
        filename=f"waymark-{slug}.pdf",
        session=session,  # a listing is the entries': the data version covers it
    )
