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


def test_every_api_and_feed_parameter_is_documented(client: TestClient) -> None:
    """Partners read /docs: every parameter says what it is."""
    spec = client.get("/openapi.json").json()
    missing = [
        (path, p["name"])
        for path, ops in spec["paths"].items()
        for op in ops.values()
        for p in op.get("parameters", [])
        if not (p.get("description") or p.get("schema", {}).get("description"))
    ]
    assert missing == []
    near = next(
        p for p in spec["paths"]["/api/v1/assets"]["get"]["parameters"] if p["name"] == "near"
    )
    assert "B69 3DE" in str(near)
