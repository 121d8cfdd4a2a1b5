"""Coordinators write the featured paragraph and publish the next newsletter edition."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.auth import CheckedForm, Coordinator
from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.core.templating import templates
from app.core.time import local_now
from app.printing.newsletter import as_text, draft, latest_edition, publish_edition

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
MAX_FEATURED = 4000


@router.get("/mapper/newsletter", response_class=HTMLResponse)
def newsletter_desk(request: Request, session: SessionDep, me: Coordinator) -> Response:
    content = draft(session, now=local_now())
    return templates().TemplateResponse(
        request,
        "mapping/newsletter.html",
        {"me": me, "latest": latest_edition(session), "preview": as_text(content)},
    )


@router.post("/mapper/newsletter")
def publish(session: SessionDep, me: Coordinator, form: CheckedForm) -> Response:
    featured = str(form.get("featured", "")).strip()
    if len(featured) > MAX_FEATURED:
        raise InvalidInputError(f"keep the featured piece under {MAX_FEATURED} characters")
    edition = publish_edition(session, now=local_now(), featured=featured or None)
    return RedirectResponse(f"/newsletter/{edition.number}", status_code=303)
