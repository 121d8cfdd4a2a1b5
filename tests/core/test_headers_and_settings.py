import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.core.config import PROJECT_ROOT, Settings


@pytest.mark.parametrize("path", ["/", "/search?near=DY4", "/api/v1/places", "/towns/tipton"])
def test_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_only_the_embed_can_be_framed(client: TestClient) -> None:
    response = client.get("/embed", params={"town": "tipton"})
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        Settings(env="production")
    assert (
        Settings(env="production", secret_key="a-real-secret-from-the-environment").env
        == "production"
    )


def test_pages_have_no_inline_scripts_or_styles(client: TestClient) -> None:
    for path in ("/", "/search?near=B69+3DE", "/towns/oldbury", "/whats-on", "/suggest", "/about"):
        html = client.get(path).text
        assert "<script>" not in html and " style=" not in html and "onclick" not in html, path


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in readme]
    assert missing == [], f"add these to README.md's configuration table: {missing}"
