"""Postcode, outcode, town name or "lat,lon" → a point. Offline tables first."""

import csv
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col

from app.core.config import get_settings
from app.core.errors import InvalidInputError
from app.core.fixed import FixedStatement, fix
from app.core.geo import LatLon, latlon_from_pair, parse_latlon, point_element, point_pair
from app.geocoding.models import Postcode, PostcodeKind
from app.geocoding.postcodes import ParsedPostcode, parse_postcode
from app.places.models import Place

log = logging.getLogger(__name__)
BATCH = 5000


@dataclass(frozen=True)
class Located:
    point: LatLon
    label: str
    precision: str  # latlon | postcode | outcode | town | online


def locate(session: Session, *, query: str) -> Located:
    """Resolve what a person typed into a point, or raise InvalidInputError saying why."""
    query = query.strip()
    if not query:
        raise InvalidInputError("enter a postcode, a town or 'latitude,longitude'")
    try:
        latlon = parse_latlon(query)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    if latlon:
        return Located(latlon, query, "latlon")
    postcode = parse_postcode(query)
    if postcode:
        return _locate_postcode(session, postcode)
    town = _town_centre(session, query)
    if town:
        return town
    raise InvalidInputError(
        f"{query!r} is not a UK postcode, a known town or a 'latitude,longitude' pair"
    )


@cache
def _point_of_code(dialect: Dialect) -> FixedStatement:
    """A postcode's point, compiled once and read as a pair: every search near a postcode
    reads one, and loading it as an entity and its point through shapely cost 0.3 ms."""
    point = select(point_pair(col(Postcode.location)))
    return fix(point.where(col(Postcode.code) == bindparam("code")), dialect)


def _lookup(session: Session, code: str) -> LatLon | None:
    rows = _point_of_code(session.get_bind().dialect).run(session, code=code)
    return latlon_from_pair(rows[0][0]) if rows else None


def _locate_postcode(session: Session, postcode: ParsedPostcode) -> Located:
    if postcode.is_full:
        point = _lookup(session, postcode.code)
        if point:
            return Located(point, postcode.display, "postcode")
        if get_settings().online_geocoding:
            point = _lookup_online(session, postcode)
            if point:
                return Located(point, postcode.display, "online")
    # A full postcode we do not hold is still placed at its outcode's centre (approximate).
    point = _lookup(session, postcode.outcode)
    if point:
        return Located(point, postcode.display, "outcode")
    raise InvalidInputError(f"postcode {postcode.display} is not known")


def _town_centre(session: Session, query: str) -> Located | None:
    centre = func.ST_PointOnSurface(Place.boundary)
    row = session.execute(
        select(col(Place.name), func.ST_Y(centre), func.ST_X(centre))
        .where(func.lower(Place.name) == query.lower())
        .order_by(col(Place.kind).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return Located(LatLon(row[1], row[2]), row[0], "town")


def _lookup_online(session: Session, postcode: ParsedPostcode) -> LatLon | None:
    settings = get_settings()
    try:
        response = httpx.get(
            f"{settings.postcodes_io_url}/postcodes/{postcode.code}",
            timeout=settings.geocoding_timeout_s,
        )
    except httpx.HTTPError as exc:
        log.warning("online postcode lookup failed: %s", exc)
        return None
    if response.status_code != 200:
        return None
    result = response.json().get("result") or {}
    if result.get("latitude") is None:
        return None
    point = LatLon(float(result["latitude"]), float(result["longitude"]))
    _upsert(session, [(postcode.code, PostcodeKind.cached, point)])
    return point


def _upsert(session: Session, rows: list[tuple[str, PostcodeKind, LatLon]]) -> None:
    if not rows:
        return
    stmt = insert(Postcode).values(
        [{"code": c, "kind": k, "location": point_element(p)} for c, k, p in rows]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Postcode.code],
        set_={"kind": stmt.excluded.kind, "location": stmt.excluded.location},
    )
    session.execute(stmt)
    session.flush()


def load_outcodes(session: Session, *, path: Path) -> int:
    """Load `outcode,latitude,longitude` centroids (the reference data's file)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = [
            (p.code, PostcodeKind.outcode, LatLon(float(r["latitude"]), float(r["longitude"])))
            for r in csv.DictReader(fh)
            if (p := parse_postcode(r["outcode"])) is not None
        ]
    for start in range(0, len(rows), BATCH):
        _upsert(session, rows[start : start + BATCH])
    return len(rows)


def load_postcode_file(
    session: Session, *, path: Path, progress: Callable[[int], None] | None = None
) -> int:
    """Load full postcodes from an ONS Postcode Directory CSV (pcds/pcd, lat, long) or a
    Code-Point Open CSV (no header; postcode, quality, eastings, northings, …)."""
    count = 0
    batch: list[tuple[str, PostcodeKind, LatLon]] = []
    for code, point in _read_postcodes(session, path):
        batch.append((code, PostcodeKind.postcode, point))
        if len(batch) >= BATCH:
            _upsert(session, batch)
            count += len(batch)
            batch = []
            if progress:
                progress(count)
    _upsert(session, batch)
    count += len(batch)
    if progress:
        progress(count)
    return count


def _read_postcodes(session: Session, path: Path) -> Iterator[tuple[str, LatLon]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        first = fh.readline()
        fh.seek(0)
        if "lat" in first.lower():
            for row in csv.DictReader(fh):
                parsed = parse_postcode(row.get("pcds") or row.get("pcd") or "")
                lat, lon = float(row["lat"]), float(row["long"])
                if parsed and parsed.is_full and lat < 99:  # ONSPD marks "no grid ref" as 99.999999
                    yield parsed.code, LatLon(lat, lon)
            return
        srid = get_settings().projected_srid
        for record in csv.reader(fh):
            parsed = parse_postcode(record[0])
            if not parsed or not parsed.is_full or not record[2].strip():
                continue
            lat, lon = session.execute(
                text(
                    "SELECT ST_Y(p), ST_X(p) FROM (SELECT ST_Transform(ST_SetSRID("
                    "ST_MakePoint(:e, :n), :srid), 4326) AS p) t"
                ),
                {"e": float(record[2]), "n": float(record[3]), "srid": srid},
            ).one()
            yield parsed.code, LatLon(lat, lon)
