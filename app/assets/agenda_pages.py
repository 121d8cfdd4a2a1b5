"""/whats-on: the next 14 days, with the same filters as search."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.assets.agenda import build_agenda
from app.assets.pages import form_context, results_heading, run_search
from app.assets.present import asset_public
from app.assets.search import SearchResult
from app.assets.search_form import parse_search_form
from app.assets.search_params import Sort
from app.core.db import get_session
from app.core.templating import templates
from app.feeds.kept_pages import Built, kept_page

router = APIRouter(include_in_schema=False)
AGENDA_DAYS = 14
# An agenda is made from the soonest this many matching entries. It read every match: with
# no town or place at a million entries that was every published entry, presented and laid
# out over 14 days in one page (minutes, gigabytes). Past them it stops where the last
# one's next start is: every entry not read starts no sooner.
AGENDA_ENTRIES = 500


@router.get("/whats-on", response_class=HTMLResponse)
def whats_on(request: Request, session: Annotated[Session, Depends(get_session)]) -> Response:
    # Kept for the minute (app.feeds.kept_pages): a town's fortnight took 115 ms at a million.
    return kept_page(request, session, lambda now: Built(_whats_on(request, session, now)))


def _whats_on(request: Request, session: Session, now: datetime) -> Response:
    form = parse_search_form(request.query_params)
    form.params = form.params.model_copy(
        update={"sort": Sort.next, "page": 1, "per_page": AGENDA_ENTRIES}
    )
    result, form = run_search(session, form, now=now)
    context = form_context(session, request, form)
    agenda, until, too_many = [], None, None
    if result is not None and not result.total_exact:
        # Soonest first is exact only among the matches it could order (app.assets.search).
        too_many = results_heading(result)
    elif result is not None:
        until = _shown_until(result)
        publics = [asset_public(h, result.towns, result.now) for h in result.hits]
        agenda = build_agenda(result.hits, publics, start=result.now, days=AGENDA_DAYS, until=until)
    context.update(agenda=agenda, action="/whats-on", result=result, days=AGENDA_DAYS,
                   until=until, too_many=too_many)  # fmt: skip
    return templates().TemplateResponse(request, "assets/whats_on.html", context)


def _shown_until(result: SearchResult) -> datetime | None:
    """Where the agenda stops when more entries match than it was made from."""
    if result.total <= len(result.hits) or not result.hits:
        return None
    last = result.hits[-1].next
    return last.start if last else None
