"""Postcode / place lookup for forms (the map pin) and partners."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlmodel import Session

from app.core.db import get_session
from app.core.errors import InvalidInputError
from app.geocoding.service import locate

router = APIRouter(prefix="/api/v1", tags=["geocoding"])


class GeocodeResult(BaseModel):
    latitude: float
    longitude: float
    label: str
    precision: str


@router.get("/geocode", response_model=GeocodeResult, summary="Postcode, outcode, town or lat,lon")
def geocode(
    session: Annotated[Session, Depends(get_session)],
    q: Annotated[str, Query(max_length=100, description="e.g. B69 3DE, DY4, Tipton")],
) -> GeocodeResult:
    try:
        found = locate(session, query=q)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.message, field="q") from exc
    return GeocodeResult(
        latitude=found.point.latitude, longitude=found.point.longitude,
        label=found.label, precision=found.precision,
    )  # fmt: skip
