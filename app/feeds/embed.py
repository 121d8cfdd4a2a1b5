"""The embeddable widget (iframe page and script) and the partners' documentation page."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from sqlmodel import Session

from app.assets.present import asset_public
from app.assets.search import search_assets
from app.assets.search_form import parse_search_form, query_string
from app.assets.search_params import Sort, When
from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import get_session
from app.core.templating import templates

router = APIRouter(include_in_schema=False)
EMBED_LIMIT = 10


@router.get("/embed", response_class=HTMLResponse)
def embed(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    title: Annotated[str, Query(max_length=80)] = "Recovery support near you",
    limit: Annotated[int, Query(ge=1, le=50)] = EMBED_LIMIT,
) -> HTMLResponse:
    """A compact, frameable list (filters as search; this week, soonest first by default)."""
    form = parse_search_form(request.query_params, per_page=limit)
    params = form.params.model_copy(
        update={"when": form.params.when or When.week, "sort": form.params.sort or Sort.next}
    )
    result = search_assets(session, params=params)
    items = [asset_public(h, result.towns, result.now) for h in result.hits]
    return templates().TemplateResponse(
        request,
        "embed.html",
        {"items": items, "title": title, "query": query_string(form.params)},
    )


@router.get("/embed.js")
def embed_script() -> FileResponse:
    return FileResponse(
        PROJECT_ROOT / "app" / "static" / "js" / "embed.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/about/partners", response_class=HTMLResponse)
def partners(request: Request) -> HTMLResponse:
    return templates().TemplateResponse(request, "partners.html", {"base": get_settings().base_url})
