"""Templates are read again after an edit only in development."""

import pytest

from app.core import templating
from app.core.config import Settings


@pytest.mark.parametrize(
    ("env", "reads_again"), [("development", True), ("test", False), ("production", False)]
)
def test_templates_are_checked_for_edits_in_development_only(
    monkeypatch: pytest.MonkeyPatch, env: str, reads_again: bool
) -> None:
    settings = Settings(env=env, secret_key="a-secret-of-its-own-for-this-test")  # type: ignore[arg-type]
    monkeypatch.setattr(templating, "get_settings", lambda: settings)
    templating.templates.cache_clear()
    try:
        assert templating.templates().env.auto_reload is reads_again
    finally:
        templating.templates.cache_clear()
