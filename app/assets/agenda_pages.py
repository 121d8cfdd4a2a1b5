"""/whats-on: the next 14 days, with the same filters as search."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.assets.agenda import build_agenda
from app.assets.pages import form_context, run_search
from app.assets.present import asset_public
from app.assets.search_form import parse_search_form
from app.core.db import get_session
from app.core.templating import templates

router = APIRouter(include_in_schema=False)
AGENDA_DAYS = 14


@router.get("/whats-on", response_class=HTMLResponse)
def whats_on(request: Request, session: Annotated[Session, Depends(get_session)]) -> HTMLResponse:
    form = parse_search_form(request.query_params)
    result, form = run_search(session, form, paginate=False)
    context = form_context(session, request, form)
    agenda = []
    if result is not None:
        publics = [asset_public(h, result.towns, result.now) for h in result.hits]
        agenda = build_agenda(result.hits, publics, start=result.now, days=AGENDA_DAYS)
    context.update(agenda=agenda, action="/whats-on", result=result, days=AGENDA_DAYS)
    return templates().TemplateResponse(request, "assets/whats_on.html", context)
