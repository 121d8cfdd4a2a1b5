import csv

from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlalchemy import text
from sqlmodel import Session

from app.core.config import get_settings


def _expected_towns() -> set[str]:
    path = get_settings().reference_data_path / "towns" / "sandwell-ward-towns.csv"
    with path.open(newline="") as fh:
        return {row["town"] for row in csv.DictReader(fh)}


def test_places_lists_the_six_towns_and_the_borough(client: TestClient) -> None:
    response = client.get("/api/v1/places", params={"kind": "town"})
    assert response.status_code == 200
    towns = response.json()
    assert {t["name"] for t in towns} == _expected_towns()
    assert len(towns) == 6
    assert all(t["parent"] == "sandwell" and t["asset_count"] > 0 for t in towns)
    everything = client.get("/api/v1/places").json()
    assert {"sandwell"} == {p["slug"] for p in everything if p["kind"] == "borough"}


def test_town_boundaries_are_valid_and_do_not_overlap(session: Session) -> None:
    invalid = session.execute(
        text("SELECT slug FROM place WHERE kind = 'town' AND NOT ST_IsValid(boundary)")
    ).all()
    assert invalid == []
    overlapping = session.execute(
        text(
            "SELECT a.slug, b.slug FROM place a JOIN place b ON a.id < b.id "
            "WHERE a.kind = 'town' AND b.kind = 'town' AND ST_Overlaps(a.boundary, b.boundary)"
        )
    ).all()
    assert overlapping == []


def test_place_detail_has_its_boundary_as_geojson(client: TestClient) -> None:
    body = client.get("/api/v1/places/oldbury").json()
    assert body["name"] == "Oldbury"
    assert body["kind"] == "town"
    boundary = shape(body["boundary"])
    assert body["boundary"]["type"] == "MultiPolygon"
    assert boundary.is_valid
    # Oldbury Council House lies inside Oldbury (reference data README).
    assert boundary.contains(shape({"type": "Point", "coordinates": [-2.0089, 52.5046]}))
    west, south, east, north = body["bbox"]
    assert west < -2.0089 < east
    assert south < 52.5046 < north


def test_unknown_place_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/places/atlantis")
    assert response.status_code == 404
    assert "atlantis" in response.json()["detail"]
