"""The application's start-up: sync handlers get the configured number of threads, and what
start-up built is frozen out of the garbage collector's full passes."""

import gc

import anyio.to_thread
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.main import create_app


def test_handlers_run_on_the_configured_threads() -> None:
    def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app()) as client:  # runs the lifespan
        assert client.portal is not None
        assert client.portal.call(tokens) == get_settings().sync_threads
        assert gc.get_freeze_count() > 10_000
        assert client.get("/healthz").status_code == 200
