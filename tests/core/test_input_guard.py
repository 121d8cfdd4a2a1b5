import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/search?q=a%00b", 422),
        ("/api/v1/assets?town=old%00bury", 422),
        ("/api/v1/assets?town%00=oldbury", 422),  # in a name
        ("/api/v1/assets?q=50%2500", 200),  # "%00" as text, no NUL
        ("/api/v1/assets?q=" + "x" * 9000, 414),
        ("/api/v1/assets/99999999999", 422),
        ("/assets/99999999999", 422),
        ("/api/v1/assets?ends_before=06:20:24%2B21:03", 422),
        ("/feeds/changes?afterTimestamp=1&afterId=99999999999", 422),
        ("/api/v1/assets?near=91,500", 422),
        ("/api/v1/assets?kind=" + "&kind=".join(["meeting"] * 100), 422),
    ],
)
def test_hostile_query_strings_get_a_clear_4xx(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text[:200]


def test_oversized_bodies_are_refused_and_change_nothing(
    client: TestClient, session: Session
) -> None:
    before = session.execute(text("SELECT count(*) FROM suggestion")).scalar_one()
    response = client.post(
        "/suggest", content=b"message=" + b"x" * (2 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert response.status_code == 413
    assert session.execute(text("SELECT count(*) FROM suggestion")).scalar_one() == before


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE asset; --", "%' OR 1=1 --", "\\", "%FF%FE", "a" * 200, "🙂 café ünïcödé"],
)
def test_sql_metacharacters_and_odd_text_are_just_text(
    client: TestClient, session: Session, query: str
) -> None:
    before = session.execute(text("SELECT count(*) FROM asset")).scalar_one()
    for path in ("/search", "/api/v1/assets", "/whats-on"):
        response = client.get(path, params={"q": query, "near": query[:20]})
        assert response.status_code in (200, 422), (path, response.status_code)
    assert session.execute(text("SELECT count(*) FROM asset")).scalar_one() == before


def test_invalid_utf8_in_the_address_is_not_a_server_error(client: TestClient) -> None:
    for path in ("/search?q=%FF%FE%FD", "/api/v1/assets?town=%C3%28", "/towns/%FF"):
        assert client.get(path).status_code < 500, path
