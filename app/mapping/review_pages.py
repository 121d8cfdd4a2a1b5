"""The coordinators' review queue: new entries, edits to published entries, public reports."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.auth import CheckedForm, Coordinator, Mapper
from app.assets.models import Asset, AssetStatus
from app.assets.service import load_asset, snapshot
from app.core.db import get_session
from app.core.templating import templates
from app.mapping.models import ChangeStatus, PendingChange, Suggestion, SuggestionStatus
from app.mapping.workflow import (
    approve_asset,
    approve_change,
    open_change,
    reject_asset,
    reject_change,
)

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
DIFF_FIELDS = ("name", "kind", "description", "fellowship", "types", "attendance", "online_url",
               "audience", "cost", "venue_id", "interests", "schedules", "public_phone",
               "public_email", "website")  # fmt: skip


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(k, before.get(k), after.get(k)) for k in DIFF_FIELDS if before.get(k) != after.get(k)]


@router.get("/mapper/review", response_class=HTMLResponse)
def review_queue(request: Request, session: SessionDep, me: Mapper) -> Response:
    """Everyone in the mapper area can see what is waiting; only coordinators decide."""
    new = (
        session.execute(
            select(Asset)
            .where(col(Asset.status) == AssetStatus.pending_review)
            .order_by(col(Asset.created_at))
        )
        .scalars()
        .all()
    )
    changes = (
        session.execute(
            select(PendingChange)
            .where(col(PendingChange.status) == ChangeStatus.open)
            .order_by(col(PendingChange.created_at))
        )
        .scalars()
        .all()
    )
    change_rows = []
    for change in changes:
        asset = session.get(Asset, change.asset_id)
        assert asset is not None
        proposed = {**change.proposed, "schedules": change.proposed.get("schedules")}
        change_rows.append((change, asset, _diff(snapshot(asset), proposed)))
    reports = (
        session.execute(
            select(Suggestion)
            .where(col(Suggestion.status) == SuggestionStatus.open)
            .order_by(col(Suggestion.created_at))
        )
        .scalars()
        .all()
    )
    reported = [r.asset_id for r in reports if r.asset_id]
    assets = session.execute(select(Asset).where(col(Asset.id).in_(reported))).scalars()
    names = {a.id: a.name for a in assets}
    return templates().TemplateResponse(
        request, "mapping/review.html",
        {"me": me, "new": new, "changes": change_rows, "reports": reports, "names": names},
    )  # fmt: skip


@router.post("/mapper/review/assets/{asset_id}")
def decide_asset(
    asset_id: int, session: SessionDep, me: Coordinator, form: CheckedForm
) -> Response:
    asset = load_asset(session, asset_id=asset_id)
    if form.get("decision") == "approve":
        approve_asset(session, asset=asset, by=me)
    else:
        reject_asset(session, asset=asset, reason=str(form.get("reason", "")), by=me)
    return RedirectResponse("/mapper/review", status_code=303)


@router.post("/mapper/review/changes/{change_id}")
def decide_change(
    change_id: int, session: SessionDep, me: Coordinator, form: CheckedForm
) -> Response:
    change = open_change(session, change_id=change_id)
    if form.get("decision") == "approve":
        approve_change(session, change=change, by=me)
    else:
        reject_change(session, change=change, reason=str(form.get("reason", "")), by=me)
    return RedirectResponse("/mapper/review", status_code=303)


@router.post("/mapper/review/reports/{report_id}")
def close_report(
    report_id: int, session: SessionDep, me: Coordinator, form: CheckedForm
) -> Response:
    report = session.get(Suggestion, report_id)
    if report is not None and report.status == SuggestionStatus.open:
        accepted = form.get("decision") == "accept"
        report.status = SuggestionStatus.accepted if accepted else SuggestionStatus.rejected
        report.handled_by_id = me.user_id
        report.reason = str(form.get("reason", ""))[:2000] or None
        session.flush()
    return RedirectResponse("/mapper/review", status_code=303)
