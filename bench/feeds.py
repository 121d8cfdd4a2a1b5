"""Feed benchmark (not a test): Meeting Guide JSON, all.ics and an HSDS page over N synthetic
meetings (default 10,000), generated through the app in-process. Prints time and size.

    python -m bench.feeds [--n 10000] [--repeat 5]"""

import argparse
import statistics
import time
from typing import Any

from bench import write_results
from bench.search import bench_url, prepare_bench_db

FEED_PATHS = {
    "meeting-guide.json": "/feeds/meeting-guide.json",
    "all.ics": "/feeds/all.ics",
    "hsds services page (50)": "/hsds/services?per_page=50",
    "changes page (100)": "/feeds/changes?limit=100",
}


def run(n: int, repeat: int) -> dict[str, Any]:
    prepare_bench_db(bench_url("feeds"), n, only_meetings=True)
    from fastapi.testclient import TestClient

    from app.core.config import get_settings
    from app.main import create_app

    get_settings().api_rate_limit_per_minute = 1_000_000
    get_settings().data_version_ttl_s = 0  # the rebuild right after a change is measured
    from app.feeds.cache import FEEDS

    FEEDS.clear()
    client = TestClient(create_app())
    results: dict[str, Any] = {"n_meetings": n, "repeat": repeat, "feeds": {}}
    for label, path in FEED_PATHS.items():
        samples, size = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
            assert response.status_code == 200, (path, response.status_code)
        results["feeds"][label] = {
            "first_ms": samples[0],  # built from the database
            "p50_ms": statistics.median(samples[1:] or samples),  # then from the feed cache
            "bytes": size,
        }
    results["feeds"]["all.ics after one entry changed"] = _after_one_change(client)
    return results


def _after_one_change(client: Any) -> dict[str, Any]:
    """A rebuild once the data changed: the feed cache misses, the event cache does not
    (all but the changed entry's events are serialised already)."""
    from sqlalchemy import text
    from sqlmodel import Session

    from app.core.db import get_engine

    with Session(get_engine()) as session:
        session.execute(text("UPDATE asset SET updated_at = now() WHERE id = (SELECT min(id) "
                             "FROM asset WHERE status = 'published')"))  # fmt: skip
        session.commit()
    started = time.perf_counter()
    response = client.get("/feeds/all.ics")
    elapsed = (time.perf_counter() - started) * 1000
    return {"first_ms": elapsed, "p50_ms": elapsed, "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = run(args.n, args.repeat)
    print(f"\nfeeds over {args.n:,} synthetic meetings, {args.repeat} runs each")
    print(f"{'feed':<28} {'first ms':>9} {'p50 ms':>9} {'size KB':>9}")
    for label, r in results["feeds"].items():
        print(f"{label:<28} {r['first_ms']:9.0f} {r['p50_ms']:9.0f} {r['bytes'] / 1024:9.0f}")
    out = write_results("feeds", results)
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
