"""/suggest: anyone can report a change, a closure or something new. No account needed."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.assets.models import Asset, AssetStatus
from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.core.ratelimit import RateLimiter
from app.core.security import check_form_token, form_token
from app.core.templating import templates
from app.mapping.suggestions import SuggestionCreate, create_suggestion

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
LIMITER = RateLimiter(limit=5, window_s=3600)
MESSAGES = {
    "kind": "Choose what you are telling us about.",
    "message": "Tell us what has changed (at least 10 characters, at most 4,000).",
    "reporter_email": "Enter an email address like name@example.com, or leave it empty.",
    "asset_id": "That entry does not exist.",
}


def _asset(session: Session, raw: str | None) -> Asset | None:
    if not raw or not raw.isdigit():
        return None
    asset = session.get(Asset, int(raw))
    return asset if asset and asset.status == AssetStatus.published else None


def _render(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    asset: Asset | None,
    status: int = 200,
) -> Response:
    return templates().TemplateResponse(
        request,
        "mapping/suggest.html",
        {"values": values, "errors": errors, "asset": asset, "token": form_token()},
        status_code=status,
    )


@router.get("/suggest", response_class=HTMLResponse)
def suggest_form(request: Request, session: SessionDep) -> Response:
    asset = _asset(session, request.query_params.get("asset"))
    kind = request.query_params.get("kind") or ("change" if asset else "new")
    return _render(request, {"kind": kind}, {}, asset)


@router.post("/suggest", response_class=HTMLResponse)
async def suggest_submit(request: Request, session: SessionDep) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    asset = _asset(session, values.get("asset_id"))
    if values.get("website"):  # the honeypot: people never see it, bots fill it in
        return RedirectResponse("/suggest/thanks", status_code=303)
    client = request.client.host if request.client else "unknown"
    problem = check_form_token(values.get("token", ""))
    if problem:
        return _render(request, values, {"form": problem}, asset, status=400)
    wait = LIMITER.retry_after(client)
    if wait:
        busy = {"form": "You have sent several reports already. Please try again later."}
        response = _render(request, values, busy, asset, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        data = SuggestionCreate.model_validate(
            {
                "kind": values.get("kind", ""),
                "message": values.get("message", ""),
                "asset_id": asset.id if asset else None,
                "reporter_email": values.get("reporter_email") or None,
            }
        )
        create_suggestion(session, data=data)
    except ValidationError as exc:
        errors = {
            str(e["loc"][0]): MESSAGES.get(str(e["loc"][0]), str(e["msg"])) for e in exc.errors()
        }
        return _render(request, values, errors, asset, status=422)
    except InvalidInputError as exc:
        return _render(request, values, {exc.field or "form": exc.message}, asset, status=422)
    return RedirectResponse("/suggest/thanks", status_code=303)


@router.get("/suggest/thanks", response_class=HTMLResponse)
def suggest_thanks(request: Request) -> Response:
    return templates().TemplateResponse(request, "mapping/suggest_thanks.html", {})
