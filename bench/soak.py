"""Soak test (not a test in `make test`): mixed traffic from loopback for a while against a
real uvicorn server — 95% searches and feeds, 5% mapper edits — counting 5xx, lost edits and
the server's memory at the start and the end.

    python -m bench.soak [--minutes 10] [--concurrency 8]

Runs against its own database beside DATABASE_URL's (`<name>_soak`, migrated and seeded with
the demo data), on a free loopback port."""

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import make_url

from bench import write_results
from bench.search import BASE_URL

READS = [
    "/search?near=B69+3DE&radius=5", "/api/v1/assets?near=DY4&radius=3&kind=meeting",
    "/api/v1/assets?town=tipton&day=fri&time=evening", "/towns/oldbury", "/whats-on",
    "/feeds/meeting-guide.json", "/feeds/changes?limit=100", "/hsds/services?per_page=20",
    "/api/v1/assets?q=walk", "/", "/feeds/tipton.ics",
]  # fmt: skip


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _create_database(url: str) -> None:
    import psycopg

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,))
        if not exists.fetchone():
            conn.execute(f'CREATE DATABASE "{target.database}"')


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) if found else 0


def _prepare(url: str) -> tuple[str, str]:
    """Migrate and seed the bench database; an admin account to edit with."""
    os.environ["DATABASE_URL"] = url
    from sqlmodel import Session

    from app.accounts.models import Role, UserCreate
    from app.accounts.service import create_user
    from app.core.config import get_settings
    from app.core.db import get_engine
    from app.core.migrations import upgrade
    from app.seed import seed_all

    get_settings.cache_clear()
    get_engine.cache_clear()
    upgrade(url)
    email, password = f"soak-{secrets.token_hex(3)}@example.org", secrets.token_urlsafe(16)
    with Session(get_engine()) as session:
        seed_all(session)
        create_user(session, data=UserCreate(email=email, display_name="Soak", role=Role.admin,
                                             password=password))  # fmt: skip
        session.commit()
    return email, password


async def _editor(client: httpx.AsyncClient, email: str, password: str, stop: float,
                  counts: dict[str, Any]) -> None:  # fmt: skip
    """Verifies entries (a real write with a revision) now and then."""
    page = await client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    await client.post("/login", data={"email": email, "password": password,
                                      "token": token.group(1) if token else ""})  # fmt: skip
    csrf_page = await client.get("/mapper")
    csrf = re.search(r'name="csrf" value="([^"]+)"', csrf_page.text)
    ids = [a["id"] for a in (await client.get("/api/v1/assets?per_page=100")).json()["items"]]
    while time.monotonic() < stop:
        asset_id = random.choice(ids)
        r = await client.post(f"/mapper/assets/{asset_id}/verify",
                              data={"csrf": csrf.group(1) if csrf else ""})  # fmt: skip
        counts["edits"] += 1
        counts["edit_ok"] += r.status_code in (200, 303)
        counts["5xx"] += r.status_code >= 500
        await asyncio.sleep(0.2)


async def _reader(client: httpx.AsyncClient, stop: float, counts: dict[str, Any]) -> None:
    while time.monotonic() < stop:
        path = random.choice(READS)
        started = time.perf_counter()
        try:
            r = await client.get(path)
        except httpx.TimeoutException:
            counts["timeouts"].append(path)
            continue
        counts["latencies"].append((time.perf_counter() - started) * 1000)
        counts["reads"] += 1
        counts["5xx"] += r.status_code >= 500


async def _run(
    base: str, minutes: float, concurrency: int, email: str, password: str
) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "reads": 0, "edits": 0, "edit_ok": 0, "5xx": 0, "latencies": [], "timeouts": [],
    }  # fmt: skip
    stop = time.monotonic() + minutes * 60
    limits = httpx.Limits(max_connections=concurrency + 1)
    readers = httpx.AsyncClient(base_url=base, timeout=60, limits=limits)
    editor = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
    async with readers, editor:
        await asyncio.gather(
            _editor(editor, email, password, stop, counts),
            *[_reader(readers, stop, counts) for _ in range(concurrency)],
        )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    admin = make_url(BASE_URL)
    url = admin.set(database=f"{admin.database}_soak").render_as_string(hide_password=False)
    _create_database(url)
    email, password = _prepare(url)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        revisions_before = conn.execute(
            text("SELECT count(*) FROM revision WHERE action = 'verify'")
        ).scalar_one()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "API_RATE_LIMIT_PER_MINUTE": "100000000"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    httpx.get(f"{base}/search?near=B69+3DE")  # warm up before the first memory reading
    rss_start = _rss_kb(server.pid)
    counts = asyncio.run(_run(base, args.minutes, args.concurrency, email, password))
    rss_end = _rss_kb(server.pid)
    server.terminate()
    server.wait(timeout=30)
    with engine.connect() as conn:
        revisions_after = conn.execute(
            text("SELECT count(*) FROM revision WHERE action = 'verify'")
        ).scalar_one()
    lat = counts.pop("latencies")
    result = {
        "minutes": args.minutes, "concurrency": args.concurrency, **counts,
        "edits_recorded": revisions_after - revisions_before,
        "lost_edits": counts["edit_ok"] - (revisions_after - revisions_before),
        "p50_ms": statistics.median(lat), "p95_ms": statistics.quantiles(lat, n=20)[18],
        "rss_start_mb": rss_start / 1024, "rss_end_mb": rss_end / 1024,
    }  # fmt: skip
    print(json.dumps(result, indent=2))
    write_results("soak", result)


if __name__ == "__main__":
    main()
