"""All geometry conversion (GeoJSON, shapely, WKB/EWKT) lives here, at the edge."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import cast as cast_type

from geoalchemy2 import Geography, Geometry
from geoalchemy2.elements import WKBElement, WKTElement
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.ops import unary_union
from shapely.validation import make_valid
from sqlalchemy import Float, Select, String, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.sql.visitors import replacement_traverse
from sqlalchemy.types import NullType

SRID_WGS84 = 4326
METRES_PER_MILE = 1609.344

_LATLON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class LatLon:
    latitude: float
    longitude: float


def miles_to_metres(miles: float) -> float:
    return miles * METRES_PER_MILE


def metres_to_miles(metres: float) -> float:
    return metres / METRES_PER_MILE


def parse_latlon(text: str) -> LatLon | None:
    """'52.5046,-2.0089' → LatLon; None when the text is not a coordinate pair.

    Raises ValueError for a pair that is out of range."""
    match = _LATLON.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{text!r} is not a valid latitude,longitude pair")
    return LatLon(lat, lon)


def point_element(point: LatLon) -> WKTElement:
    """A bindable 4326 point (works for geometry and geography columns)."""
    return WKTElement(f"POINT({point.longitude} {point.latitude})", srid=SRID_WGS84)


def latlon_of(element: WKBElement | WKTElement | LatLon) -> LatLon:
    if isinstance(element, LatLon):
        return element  # read as a pair already (point_pair)
    geom = to_shape(element)
    return LatLon(latitude=geom.y, longitude=geom.x)


def point_pair(column: Any) -> Any:
    """A point column read as [latitude, longitude] under the column's own name: pages of
    entries read their venues' points this way (WKB through shapely was ~10 µs a point)."""
    point = cast(column, Geometry)
    # Untyped elements: psycopg reads float8[] as floats, with nothing to convert after it.
    pair: Any = array([func.ST_Y(point), func.ST_X(point)], type_=NullType())
    return pair.label(column.name)


def latlon_from_pair(pair: Sequence[float]) -> LatLon:
    return LatLon(latitude=pair[0], longitude=pair[1])


def multipolygon_from_geojson(geometries: list[dict[str, Any]]) -> MultiPolygon:
    """Union GeoJSON (Multi)Polygons into one valid MultiPolygon (a town from its wards)."""
    shapes = [make_valid(shape(g)) for g in geometries]
    merged = unary_union(shapes)
    polygons = _polygons(merged)
    if not polygons:
        raise ValueError("no polygon in the given geometries")
    return MultiPolygon(polygons)


def _polygons(geom: Any) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):  # GeometryCollection after make_valid
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def multipolygon_element(geom: MultiPolygon) -> WKBElement:
    return from_shape(geom, srid=SRID_WGS84)


def geojson_of(element: WKBElement | WKTElement) -> dict[str, Any]:
    return dict(mapping(to_shape(element)))


def bbox_of(element: WKBElement | WKTElement) -> list[float]:
    """[west, south, east, north] as in RFC 7946."""
    return [round(v, 6) for v in to_shape(element).bounds]


def point_feature(point: LatLon, properties: dict[str, Any], feature_id: Any) -> dict[str, Any]:
    """An RFC 7946 Feature (lon, lat order)."""
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": mapping(Point(point.longitude, point.latitude)),
        "properties": properties,
    }


SRID_BRITISH_GRID = 27700


# A point on the British National Grid (metres), for the `grid` columns, from the search's
# origin: its coordinates are bound at each run (origin_values), so one statement serves every
# point. The connection plans each run for its values (app.core.db), so the planner folds the
# point to a constant once and the GiST index and KNN ordering apply.
ORIGIN_ON_THE_GRID = func.ST_Transform(
    func.ST_SetSRID(
        func.ST_MakePoint(
            bindparam("origin_longitude", type_=Float()),
            bindparam("origin_latitude", type_=Float()),
        ),
        SRID_WGS84,
    ),
    SRID_BRITISH_GRID,
)


def with_origin_once(statement: Select[Any]) -> Select[Any]:
    """`statement` with ORIGIN_ON_THE_GRID worked out once a run (a scalar subquery: an
    InitPlan) rather than folded into its plan: one plan then serves every point. Left as an
    expression in a plan made for any point, the transform ran for every entry tested (a near
    search's walk: 0.29 -> 0.67 ms); once a run, it costs what the planning it spares does
    not (0.27-0.46 ms a walk at a million entries)."""
    once = select(ORIGIN_ON_THE_GRID).scalar_subquery()

    def replace(element: Any, **kw: Any) -> Any:
        return once if element is ORIGIN_ON_THE_GRID else None

    return cast_type(Select[Any], replacement_traverse(statement, {}, replace))


def origin_values(point: LatLon) -> dict[str, float]:
    """The values ORIGIN_ON_THE_GRID's parameters take for `point`."""
    return {"origin_longitude": point.longitude, "origin_latitude": point.latitude}


def geography_point(point: LatLon) -> Any:
    """A SQL geography point expression, for distance and radius tests on geography columns."""
    return func.ST_GeogFromText(f"SRID={SRID_WGS84};POINT({point.longitude} {point.latitude})")


def point_rows(points: Sequence[LatLon], **texts: Sequence[str]) -> Any:
    """Many points as a FROM clause, one row each: `n` (1-based position), `lon`, `lat` and
    each text column given. One array parameter per column (unnest), so a batch of a few
    hundred points is one statement, not one per point."""
    arrays = [
        bindparam(None, [p.longitude for p in points], type_=ARRAY(Float())),
        bindparam(None, [p.latitude for p in points], type_=ARRAY(Float())),
        *(bindparam(None, list(values), type_=ARRAY(String())) for values in texts.values()),
    ]
    columns = ("lon", "lat", *texts)
    return func.unnest(*arrays).table_valued(*columns, with_ordinality="n").render_derived()


def row_geometry(rows: Any) -> Any:
    """The 4326 geometry of a `point_rows` row (for boundaries)."""
    return func.ST_SetSRID(func.ST_MakePoint(rows.c.lon, rows.c.lat), SRID_WGS84)


def row_geography(rows: Any) -> Any:
    """The geography of a `point_rows` row (for distances in metres on geography columns)."""
    return cast(row_geometry(rows), Geography(srid=SRID_WGS84))
