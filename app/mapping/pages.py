"""The mapper area: dashboard, the entry form (new and edit), verify, merge, history."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.accounts.auth import CheckedForm, Coordinator, Mapper, SignedIn
from app.accounts.models import Role, User
from app.assets.interests import interests_by_five_ways
from app.assets.meeting_types import meeting_types
from app.assets.models import Asset, AssetStatus
from app.assets.pages import FORM_TYPE_CODES
from app.assets.service import load_asset, snapshot
from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.core.templating import templates
from app.core.time import local_now, occurrences
from app.core.timewords import occurrence_label
from app.mapping.asset_form import SCHEDULE_ROWS, EntryForm, parse_entry_form, values_from_asset
from app.mapping.duplicates import find_duplicates
from app.mapping.models import ChangeStatus, PendingChange, Revision
from app.mapping.workflow import (
    EditConflictError,
    archive,
    history,
    merge,
    restore,
    submit_edit,
    submit_new,
    verify,
)
from app.seed import DATA_DIR
from app.venues.models import Venue

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
PREVIEW_DATES = 5


def _form_page(
    request: Request, session: Session, me: SignedIn, entry: EntryForm, *, asset: Asset | None,
    status: int = 200, duplicates: list[Asset] | None = None, preview: list[str] | None = None,
) -> Response:  # fmt: skip
    types = meeting_types()
    venues = session.execute(select(Venue).order_by(col(Venue.name))).scalars().all()
    return templates().TemplateResponse(
        request,
        "mapping/asset_form.html",
        {
            "me": me,
            "v": entry.values,
            "errors": entry.errors,
            "asset": asset,
            "interest_groups": interests_by_five_ways(session),
            "venues": venues,
            "meeting_types": [(c, f"{types[c]} ({c})") for c in FORM_TYPE_CODES if c in types],
            "rows": range(SCHEDULE_ROWS),
            "duplicates": duplicates or [],
            "preview": preview,
        },
        status_code=status,
    )


def _preview(entry: EntryForm) -> list[str]:
    assert entry.data is not None
    now = local_now()
    found = occurrences(entry.data.schedules, now, now + timedelta(days=400))[:PREVIEW_DATES]
    return [occurrence_label(o, now) for o in found]


@router.get("/mapper", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, me: Mapper) -> Response:
    mine = (
        session.execute(
            select(Asset)
            .where(
                col(Asset.id).in_(
                    select(col(Revision.entity_id)).where(col(Revision.user_id) == me.user_id)
                )
            )
            .order_by(col(Asset.updated_at).desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    counts = dict(
        session.execute(select(col(Asset.status), func.count()).group_by(col(Asset.status))).all()
    )
    open_changes = session.scalar(
        select(func.count())
        .select_from(PendingChange)
        .where(col(PendingChange.status) == ChangeStatus.open)
    )
    return templates().TemplateResponse(
        request, "mapping/dashboard.html",
        {"me": me, "mine": mine, "pending": counts.get(AssetStatus.pending_review, 0),
         "open_changes": open_changes or 0},
    )  # fmt: skip


@router.get("/mapper/assets/new", response_class=HTMLResponse)
def new_entry(request: Request, session: SessionDep, me: Mapper) -> Response:
    blank = EntryForm(
        values={"kind": request.query_params.get("kind", "meeting"), "s0_frequency": "weekly"}
    )
    return _form_page(request, session, me, blank, asset=None)


@router.post("/mapper/assets/new", response_class=HTMLResponse)
def create_entry(request: Request, session: SessionDep, me: Mapper, form: CheckedForm) -> Response:
    entry = parse_entry_form(session, form)
    if entry.data is None:
        return _form_page(request, session, me, entry, asset=None, status=422)
    if entry.values.get("action") == "preview":
        return _form_page(request, session, me, entry, asset=None, preview=_preview(entry))
    if not entry.values.get("confirm_different"):
        duplicates = find_duplicates(session, data=entry.data)
        if duplicates:
            return _form_page(
                request, session, me, entry, asset=None, status=409, duplicates=duplicates
            )
    publish = entry.values.get("publish") == "yes"
    asset = submit_new(session, data=entry.data, by=me, publish=publish)
    return RedirectResponse(f"/mapper/assets/{asset.id}/history?saved=1", status_code=303)


@router.get("/mapper/assets/{asset_id}/edit", response_class=HTMLResponse)
def edit_entry(asset_id: int, request: Request, session: SessionDep, me: Mapper) -> Response:
    asset = load_asset(session, asset_id=asset_id)
    return _form_page(request, session, me, EntryForm(values_from_asset(asset)), asset=asset)


@router.post("/mapper/assets/{asset_id}/edit", response_class=HTMLResponse)
def save_entry(
    asset_id: int, request: Request, session: SessionDep, me: Mapper, form: CheckedForm
) -> Response:
    asset = load_asset(session, asset_id=asset_id)
    entry = parse_entry_form(session, form)
    if entry.data is None:
        return _form_page(request, session, me, entry, asset=asset, status=422)
    if entry.values.get("action") == "preview":
        return _form_page(request, session, me, entry, asset=asset, preview=_preview(entry))
    version = int(entry.values.get("version") or 0)
    try:
        submit_edit(session, asset=asset, data=entry.data, version=version, by=me)
    except EditConflictError as exc:
        return templates().TemplateResponse(
            request, "mapping/conflict.html",
            {"me": me, "asset": exc.current, "current": snapshot(exc.current),
             "yours": entry.data.model_dump(mode="json"), "v": entry.values},
            status_code=409,
        )  # fmt: skip
    return RedirectResponse(f"/mapper/assets/{asset_id}/history?saved=1", status_code=303)


@router.post("/mapper/assets/{asset_id}/verify")
def verify_entry(asset_id: int, session: SessionDep, me: Mapper, form: CheckedForm) -> Response:
    verify(session, asset=load_asset(session, asset_id=asset_id), by=me)
    back = str(form.get("back") or f"/mapper/assets/{asset_id}/history")
    return RedirectResponse(back if back.startswith("/mapper") else "/mapper", status_code=303)


@router.post("/mapper/assets/{asset_id}/merge")
def merge_entry(asset_id: int, session: SessionDep, me: Coordinator, form: CheckedForm) -> Response:
    into = str(form.get("into", ""))
    if not into.isdigit():
        raise InvalidInputError("give the number of the entry to keep", field="into")
    winner = merge(session, loser=load_asset(session, asset_id=asset_id),
                   winner=load_asset(session, asset_id=int(into)), by=me)  # fmt: skip
    return RedirectResponse(f"/mapper/assets/{winner.id}/history", status_code=303)


@router.post("/mapper/assets/{asset_id}/archive")
def archive_entry(
    asset_id: int, session: SessionDep, me: Coordinator, form: CheckedForm
) -> Response:
    asset = load_asset(session, asset_id=asset_id)
    archive(session, asset=asset, reason=str(form.get("reason", "")), by=me)
    return RedirectResponse(f"/mapper/assets/{asset_id}/history", status_code=303)


@router.get("/mapper/assets/{asset_id}/history", response_class=HTMLResponse)
def history_page(asset_id: int, request: Request, session: SessionDep, me: Mapper) -> Response:
    asset = load_asset(session, asset_id=asset_id)
    revisions = history(session, asset_id=asset_id)
    names = dict(session.execute(select(col(User.id), col(User.display_name))).all())
    rows = [(r, _changes(r), names.get(r.user_id)) for r in revisions]
    return templates().TemplateResponse(
        request,
        "mapping/history.html",
        {
            "me": me,
            "asset": asset,
            "revisions": rows,
            "saved": request.query_params.get("saved"),
            "can_restore": me.can(Role.admin),
        },
    )


def _changes(revision: Revision) -> list[tuple[str, Any, Any]]:
    """Field-by-field (name, before, after) for what changed."""
    before, after = revision.before or {}, revision.after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return [(k, before.get(k), after.get(k)) for k in sorted(keys)]


@router.post("/mapper/assets/{asset_id}/restore/{revision_id}")
def restore_entry(
    asset_id: int, revision_id: int, session: SessionDep, me: Mapper, form: CheckedForm
) -> Response:
    revision = session.get(Revision, revision_id)
    if revision is None:
        raise InvalidInputError("no such revision", field="revision")
    restore(session, asset=load_asset(session, asset_id=asset_id), revision=revision, by=me)
    return RedirectResponse(f"/mapper/assets/{asset_id}/history?saved=1", status_code=303)


@router.get("/mapper/import-template.csv")
def import_template(me: Mapper) -> FileResponse:
    """The spreadsheet layout `waymark import csv FILE` reads, with three example rows."""
    return FileResponse(
        DATA_DIR / "import-template.csv",
        media_type="text/csv; charset=utf-8",
        filename="waymark-import-template.csv",
    )
