"""Admins manage import sources at /mapper/sources; each source shows its last runs and the
entries it brought that still need a pin on the map."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.accounts.auth import Admin, CheckedForm
from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.core.templating import templates
from app.imports.models import ImportSource, SourceSchedule
from app.imports.sources import (
    get_source,
    list_sources,
    parse_source_form,
    recent_runs,
    run_source,
    save_source,
    waiting_for_a_pin,
)
from app.places.models import PlaceKind
from app.places.service import list_places
from scrapers.registry import SOURCES

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
FIELDS = (
    "name", "type", "location", "schedule", "default_kind", "fellowship", "default_town_id",
)  # fmt: skip


def _page(
    request: Request, session: Session, me: Admin, *, source: ImportSource | None,
    values: dict[str, Any], errors: dict[str, str], status: int = 200,
) -> Response:  # fmt: skip
    context: dict[str, Any] = {
        "me": me, "source": source, "values": values, "errors": errors, "types": list(SOURCES),
        "schedules": [s.value for s in SourceSchedule],
        "towns": [place for place, _ in list_places(session, kind=PlaceKind.town)],
    }  # fmt: skip
    if source is None:
        context["sources"] = list_sources(session)
        name = "imports/sources.html"
    else:
        context["runs"] = recent_runs(session, source_id=source.id)
        context["to_pin"] = waiting_for_a_pin(session, source=source)
        name = "imports/source.html"
    return templates().TemplateResponse(request, name, context, status_code=status)


def _values(form: CheckedForm) -> dict[str, str]:
    values = {k: str(form.get(k, "")) for k in FIELDS}
    values.update({f: "on" for f in ("trusted", "enabled") if form.get(f) in ("on", "yes")})
    return values


def _save(request: Request, session: Session, me: Admin, form: CheckedForm,
          source: ImportSource | None) -> Response:  # fmt: skip
    values = _values(form)
    try:
        saved = save_source(session, data=parse_source_form(values), source=source)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): str(e["msg"]) for e in exc.errors()}
        return _page(request, session, me, source=source, values=values, errors=errors, status=422)
    except InvalidInputError as exc:
        errors = {exc.field or "name": exc.message}
        return _page(request, session, me, source=source, values=values, errors=errors, status=422)
    return RedirectResponse(f"/mapper/sources/{saved.id}", status_code=303)


@router.get("/mapper/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: SessionDep, me: Admin) -> Response:
    defaults = {"type": "meeting-guide", "schedule": "daily", "enabled": "on"}
    return _page(request, session, me, source=None, values=defaults, errors={})


@router.post("/mapper/sources", response_class=HTMLResponse)
def add_source(request: Request, session: SessionDep, me: Admin, form: CheckedForm) -> Response:
    return _save(request, session, me, form, None)


@router.get("/mapper/sources/{source_id}", response_class=HTMLResponse)
def source_page(request: Request, source_id: int, session: SessionDep, me: Admin) -> Response:
    source = get_source(session, source_id=source_id)
    values = {k: str(getattr(source, k) or "") for k in FIELDS}
    values.update({f: "on" for f in ("trusted", "enabled") if getattr(source, f)})
    return _page(request, session, me, source=source, values=values, errors={})


@router.post("/mapper/sources/{source_id}", response_class=HTMLResponse)
def edit_source(
    request: Request, source_id: int, session: SessionDep, me: Admin, form: CheckedForm
) -> Response:
    return _save(request, session, me, form, get_source(session, source_id=source_id))


@router.post("/mapper/sources/{source_id}/run")
def run_now(source_id: int, session: SessionDep, me: Admin, form: CheckedForm) -> Response:
    """Run at once (or as a dry run); the report is stored and shown on the source's page."""
    source = get_source(session, source_id=source_id)
    run_source(session, source=source, dry_run=form.get("dry_run") == "yes")
    return RedirectResponse(f"/mapper/sources/{source_id}#runs", status_code=303)
