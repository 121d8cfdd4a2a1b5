"""Faults, for real: the database stops under a running server and comes back; the server
stops gracefully in the middle of a request. (Named to run late: it restarts the cluster.)"""

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from sqlalchemy import URL, make_url

from app.core.config import PROJECT_ROOT
from tests.browser.conftest import _free_port
from tests.conftest import TEST_DATABASE_URL

DB_SCRIPT = str(PROJECT_ROOT / "scripts" / "db.sh")


def _local_cluster() -> bool:
    """Only the project's own cluster is stopped, never a server given by DATABASE_URL."""
    ours = subprocess.run(["bash", DB_SCRIPT, "url"], capture_output=True, text=True, check=True)
    mine, theirs = make_url(ours.stdout.strip()), make_url(TEST_DATABASE_URL)

    def server(url: URL) -> tuple[object, ...]:  # a Unix socket's directory and port are query
        return (url.host, url.port, url.query.get("host"), url.query.get("port"))

    return server(mine) == server(theirs)


def _wait_for(url: str, status: int, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == status:
                return response
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never answered {status}")
        time.sleep(0.5)


@pytest.mark.skipif(not _local_cluster(), reason="the database is not the project-local cluster")
def test_database_outage_gives_friendly_503s_and_recovers_by_itself(live_server: str) -> None:
    assert httpx.get(f"{live_server}/readyz").status_code == 200
    subprocess.run(["bash", DB_SCRIPT, "stop"], check=True, capture_output=True)
    try:
        ready = _wait_for(f"{live_server}/readyz", 503)
        assert ready.json()["database"] == "down"
        page = httpx.get(f"{live_server}/towns/oldbury")
        assert page.status_code == 503 and "Temporarily unavailable" in page.text
        assert page.headers["retry-after"] == "30"
        api = httpx.get(f"{live_server}/api/v1/assets")
        assert api.status_code == 503 and "unavailable" in api.json()["detail"]
    finally:
        subprocess.run(["bash", DB_SCRIPT, "up"], check=True, capture_output=True)
    _wait_for(f"{live_server}/readyz", 200)
    assert httpx.get(f"{live_server}/towns/oldbury").status_code == 200, "no restart needed"


def test_graceful_shutdown_finishes_the_request_in_flight(engine: object) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=PROJECT_ROOT, env={**os.environ, "API_RATE_LIMIT_PER_MINUTE": "100000"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz", 200, seconds=30)
        result: dict[str, int] = {}

        def fetch() -> None:
            result["status"] = httpx.get(f"{base}/towns/sandwell.pdf", timeout=60).status_code

        slow = threading.Thread(target=fetch)
        slow.start()
        time.sleep(0.3)  # the PDF takes about a second to make
        server.send_signal(signal.SIGTERM)
        slow.join(timeout=60)
        assert result.get("status") == 200
        # Uvicorn finishes the request, then exits by the signal it was sent (-15).
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
