import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.errors import InvalidInputError
from app.geocoding.service import locate


def test_full_postcode_without_a_full_table_falls_back_to_its_outcode(session: Session) -> None:
    found = locate(session, query="B69 3DE")
    assert found.precision == "outcode"
    # The B69 centroid is within a couple of km of Oldbury Council House.
    assert abs(found.point.latitude - 52.5046) < 0.03
    assert abs(found.point.longitude - -2.0089) < 0.05


def test_outcode_latlon_and_town_name(session: Session) -> None:
    assert locate(session, query="dy4").precision == "outcode"
    pair = locate(session, query="52.5046, -2.0089")
    assert (pair.point.latitude, pair.point.longitude) == (52.5046, -2.0089)
    town = locate(session, query="tipton")
    assert town.precision == "town"
    assert town.label == "Tipton"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("ZZ99 9ZZ", "postcode ZZ99 9ZZ is not known"),
        ("91.0,2", "not a valid latitude,longitude"),
        ("not a place", "is not a UK postcode"),
        ("", "enter a postcode"),
    ],
)
def test_unknown_or_malformed_input_is_a_clear_error(
    session: Session, query: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        locate(session, query=query)


def test_geocode_api(client: TestClient) -> None:
    found = client.get("/api/v1/geocode", params={"q": "B69 3DE"}).json()
    assert found["precision"] == "outcode" and 52 < found["latitude"] < 53
    unknown = client.get("/api/v1/geocode", params={"q": "ZZ99 9ZZ"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "q"]
