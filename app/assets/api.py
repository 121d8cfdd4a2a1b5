"""JSON/GeoJSON API for assets. Thin: parse → search → present."""

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.assets.answers import GEOJSON, SEARCHES, answer_key, wants_geojson
from app.assets.interests import list_interests
from app.assets.present import asset_data, asset_feature, asset_public
from app.assets.schemas import AssetPage, AssetPublic, InterestPublic
from app.assets.search import AssetHit, SearchResult, search_assets, town_names
from app.assets.search_params import SEARCH_PARAMETERS, SearchParams, search_params_from_query
from app.assets.service import get_asset
from app.core.db import SessionFactory, get_session, get_session_factory
from app.core.jsonout import json_bytes
from app.core.time import local_now, next_occurrence
from app.feeds.cache import data_version, kept_response

router = APIRouter(prefix="/api/v1", tags=["assets"])


def page_links(request: Request, result: SearchResult) -> dict[str, str | None]:
    p = result.params
    last = max(1, -(-result.total // p.per_page))
    # The request's own query, its page left out, encoded once for the three links.
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
    at = f"{request.url.path}?{query}&page=" if query else f"{request.url.path}?page="
    return {
        "self": f"{at}{p.page}",
        "next": f"{at}{p.page + 1}" if p.page < last else None,
        "prev": f"{at}{p.page - 1}" if p.page > 1 else None,
    }


@router.get(
    "/assets",
    response_model=AssetPage,
    summary="Search published entries",
    responses={200: {"content": {GEOJSON: {}}, "description": "JSON page or GeoJSON"}},
    openapi_extra=SEARCH_PARAMETERS,
)
async def list_assets(
    request: Request,
    params: Annotated[SearchParams, Depends(search_params_from_query)],
    sessions: Annotated[SessionFactory, Depends(get_session_factory)],
    format: Annotated[
        Literal["json", "geojson"] | None, Query(description="`geojson` for a FeatureCollection")
    ] = None,
) -> Any:
    # On the event loop itself, not in a thread: the commonest uncached request, where handing
    # it to a thread and the GIL between that thread and the loop cost 0.5 of 2.3 ms of
    # Python (all-different near searches at a million entries, one worker: 365-396 → 380-412
    # req/s; two: 318-486 → 427-549). A worker then answers one uncached search at a time,
    # as a sync worker does; remembered answers (app.assets.answers) never reach here.
    geojson = wants_geojson(request.headers.get("accept", ""), format)
    return _search_answer(request, params, sessions, geojson)


def _search_answer(
    request: Request, params: SearchParams, sessions: SessionFactory, geojson: bool
) -> Response:
    with sessions() as session:

        def build() -> tuple[bytes, str]:
            result = search_assets(session, params=params)
            # Plain data written by orjson, in AssetPage's shape (the response model).
            items = [asset_data(h, result.towns, result.now) for h in result.hits]
            links = page_links(request, result)
            if geojson:
                body = {
                    "type": "FeatureCollection",
                    "features": [asset_feature(i) for i in items],
                    "numberMatched": result.total,
                    "numberReturned": len(items),
                    "links": links,
                }
                return json_bytes(body), GEOJSON
            page = {
                "items": items, "total": result.total, "total_is_estimate": not result.total_exact,
                "page": params.page, "per_page": params.per_page, "links": links,
            }  # fmt: skip
            return json_bytes(page), "application/json"

        # Repeats are answered from memory (app.assets.answers), mostly before reaching here.
        key = answer_key(str(request.url), geojson, data_version(session), local_now())
        answer = SEARCHES.get_or_build(key, build)
    return kept_response(request.headers, answer)


@router.get("/assets/{asset_id}", response_model=AssetPublic, summary="One published entry")
def read_asset(
    asset_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="Entry id")],
    session: Annotated[Session, Depends(get_session)],
) -> AssetPublic:
    asset = get_asset(session, asset_id=asset_id)
    now = local_now()
    hit = AssetHit(asset=asset, distance_miles=None, next=next_occurrence(asset.schedules, now))
    return asset_public(hit, town_names(session, [hit]), now)


@router.get("/interests", response_model=list[InterestPublic], summary="The interest taxonomy")
def read_interests(session: Annotated[Session, Depends(get_session)]) -> list[InterestPublic]:
    """Each interest with its recovery-capital domain and Five Ways to Wellbeing heading."""
    return [InterestPublic(**i.model_dump()) for i in list_interests(session)]
