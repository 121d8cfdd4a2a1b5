"""Places: loading boundaries, finding the town a point lies in, listing."""

import csv
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus
from app.core.errors import NotFoundError
from app.core.geo import LatLon, multipolygon_element, multipolygon_from_geojson, point_element
from app.core.recent import Recent
from app.core.text import slugify
from app.places.models import Place, PlaceKind
from app.venues.models import Venue


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: PlaceKind
    geometries: list[dict[str, Any]]


def read_features(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{path} is not a GeoJSON FeatureCollection")
    features: list[dict[str, Any]] = data["features"]
    return features


def group_features(
    features: list[dict[str, Any]], *, code_property: str, groups: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Features grouped by the place their code belongs to (wards → towns)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in features:
        code = feature["properties"].get(code_property)
        if code in groups:
            grouped[groups[code]].append(feature["geometry"])
    return dict(grouped)


def read_group_csv(path: Path, *, code_column: str, group_column: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return {row[code_column]: row[group_column] for row in csv.DictReader(fh)}


def upsert_place(session: Session, *, spec: PlaceSpec, parent: Place | None = None) -> Place:
    slug = slugify(spec.name)
    place: Place | None = session.execute(
        select(Place).where(col(Place.slug) == slug)
    ).scalar_one_or_none()
    boundary = multipolygon_element(multipolygon_from_geojson(spec.geometries))
    if place is None:
        place = Place(slug=slug, name=spec.name, kind=spec.kind, boundary=boundary)
        session.add(place)
    else:
        place.name, place.kind, place.boundary = spec.name, spec.kind, boundary
    place.parent_id = parent.id if parent else None
    session.flush()
    return place


def load_places(
    session: Session,
    *,
    path: Path,
    kind: PlaceKind,
    name_property: str | None = None,
    groups: dict[str, str] | None = None,
    code_property: str | None = None,
    parent_name: str | None = None,
) -> list[Place]:
    """Load places from GeoJSON: one per feature (named by `name_property`), or one per group
    of features when `groups` maps a feature code to a place name. With `parent_name`, the
    union of all loaded features also becomes the parent (a borough over its towns)."""
    features = read_features(path)
    parent = None
    if parent_name:
        spec = PlaceSpec(parent_name, PlaceKind.borough, [f["geometry"] for f in features])
        parent = upsert_place(session, spec=spec)
    if groups is not None:
        grouped = group_features(features, code_property=code_property or "", groups=groups)
        specs = [PlaceSpec(name, kind, geoms) for name, geoms in sorted(grouped.items())]
    else:
        specs = [
            PlaceSpec(f["properties"][name_property or "name"], kind, [f["geometry"]])
            for f in features
        ]
    before = _boundary_digests(session)
    places = [upsert_place(session, spec=s, parent=parent) for s in specs]
    if _boundary_digests(session) != before:  # a million venues: only when a boundary moved
        assign_venue_towns(session)
    return places


def _boundary_digests(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(col(Place.slug), func.md5(func.ST_AsBinary(col(Place.boundary))))
    ).all()
    return {str(slug): str(digest) for slug, digest in rows}


def town_containing_query(*, at: Any) -> Select[int | None]:
    """The id of the town whose boundary covers a point (a 4326 geometry expression, maybe a
    column of the outer query); the lowest id on a shared edge."""
    return (
        select(col(Place.id))
        .where(col(Place.kind) == PlaceKind.town, func.ST_Covers(col(Place.boundary), at))
        .order_by(col(Place.id))
        .limit(1)
    )


def assign_venue_towns(session: Session) -> None:
    """Recompute every venue's town (after boundaries change)."""
    town = town_containing_query(at=func.geometry(col(Venue.location))).scalar_subquery()
    # A boundary moving is not an edit of the venue: its updated_at stays.
    recompute = update(Venue).values(town_id=town, updated_at=col(Venue.updated_at))
    session.execute(recompute.execution_options(synchronize_session=False))
    session.flush()


def list_places(session: Session, *, kind: PlaceKind | None = None) -> list[tuple[Place, int]]:
    """Places with the number of published assets in each: one index count per town (the
    entry's own town_id), where grouping a million entries took 740 ms per page."""
    count = (
        select(func.count())
        .where(col(Asset.town_id) == col(Place.id), col(Asset.status) == AssetStatus.published)
        .scalar_subquery()
    )
    stmt = select(Place, count)
    if kind:
        stmt = stmt.where(col(Place.kind) == kind)
    rows = session.execute(stmt.order_by(col(Place.kind), col(Place.name))).all()
    return [(place, int(n)) for place, n in rows]


def town_choices(session: Session) -> list[Any]:
    """Towns as (slug, name) rows, by name: what a town picker needs (list_places also counts
    each town's entries and reads its boundary, 5 ms a search page at a million entries)."""
    return _TOWN_CHOICES.get(session)


def _town_choices(session: Session) -> list[Any]:
    stmt = select(col(Place.slug), col(Place.name)).where(col(Place.kind) == PlaceKind.town)
    return list(session.execute(stmt.order_by(col(Place.name))).all())


_TOWN_CHOICES = Recent(_town_choices)


def place_slugs_and_names(session: Session, wanted: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Place id → (slug, name), from memory: a page of results names its venues' towns, and
    joining the place to each entry cost PostgreSQL 0.04 of a page's 0.66 ms. Read again
    at most once a `data_version_ttl_s`, and at once when `wanted` names one it lacks (a
    place added since)."""
    return _PLACES.holding(session, wanted)


def _places(session: Session) -> dict[int, tuple[str, str]]:
    rows = session.execute(select(col(Place.id), col(Place.slug), col(Place.name)))
    return {int(place_id): (str(slug), str(name)) for place_id, slug, name in rows}


_PLACES = Recent(_places)


def town_names(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(col(Place.id), col(Place.name)).where(col(Place.kind) == PlaceKind.town)
    )
    return {int(place_id): str(name) for place_id, name in rows}


def get_place(session: Session, *, slug: str) -> Place:
    place: Place | None = session.execute(
        select(Place).where(col(Place.slug) == slug)
    ).scalar_one_or_none()
    if place is None:
        raise NotFoundError(f"no place with slug {slug!r}")
    return place


def nearest_towns(session: Session, *, point: LatLon, limit: int = 3) -> list[Place]:
    """Towns ordered by distance from a point (0 for the town it lies in)."""
    return list(
        session.execute(
            select(Place)
            .where(col(Place.kind) == PlaceKind.town)
            .order_by(func.ST_Distance(col(Place.boundary), point_element(point)))
            .limit(limit)
        ).scalars()
    )
