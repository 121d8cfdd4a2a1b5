from fastapi.testclient import TestClient


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "up"


def test_openapi_documents_the_search_parameters(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/api/v1/assets"]["get"]["parameters"]}
    expected = {"town", "near", "radius", "kind", "interest", "day", "time", "when", "mode",
                "access", "audience", "type", "q", "sort", "page", "per_page"}  # fmt: skip
    assert expected <= names
