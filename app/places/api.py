"""Places API: towns with counts, and one place with its boundary as GeoJSON."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_session
from app.core.geo import bbox_of, geojson_of
from app.places.models import Place, PlaceDetail, PlaceKind, PlacePublic
from app.places.service import get_place, list_places

router = APIRouter(prefix="/api/v1", tags=["places"])


def _public(place: Place, count: int, parents: dict[int, str]) -> PlacePublic:
    return PlacePublic(
        slug=place.slug,
        name=place.name,
        kind=place.kind,
        parent=parents.get(place.parent_id) if place.parent_id else None,
        asset_count=count,
        url=f"{get_settings().base_url}/towns/{place.slug}",
    )


@router.get("/places", response_model=list[PlacePublic], summary="Towns and other places")
def read_places(
    session: Annotated[Session, Depends(get_session)],
    kind: Annotated[PlaceKind | None, Query(description="Only places of this kind")] = None,
) -> list[PlacePublic]:
    rows = list_places(session)  # all of them once: the parents' slugs come from here too
    parents = {p.id: p.slug for p, _ in rows if p.id is not None}
    return [_public(place, n, parents) for place, n in rows if kind is None or place.kind == kind]


@router.get("/places/{slug}", response_model=PlaceDetail, summary="One place with its boundary")
def read_place(
    slug: Annotated[str, Path(description="Place slug, e.g. `oldbury`")],
    session: Annotated[Session, Depends(get_session)],
) -> PlaceDetail:
    place = get_place(session, slug=slug)
    counts = {p.slug: n for p, n in list_places(session)}
    parent = session.get(Place, place.parent_id) if place.parent_id else None
    public = _public(
        place, counts.get(place.slug, 0), {parent.id: parent.slug} if parent and parent.id else {}
    )
    return PlaceDetail(
        **public.model_dump(), boundary=geojson_of(place.boundary), bbox=bbox_of(place.boundary)
    )
