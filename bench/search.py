"""Search benchmark (not a test): N synthetic assets over England, the common search shapes
run through the service, p50/p95/p99 printed and written to bench/results/search.json (which
bench.run gathers into latest.json).

    python -m bench.search [--sizes 10000 100000 1000000] [--repeat 50]

Each size has its own database (`<name>_bench_n100000` beside DATABASE_URL's), migrated and
seeded with places, so moving between sizes never reloads a million rows."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from datetime import time as dt_time
from typing import Any, cast

import psycopg
from sqlalchemy import event, make_url, text

from app.core.backup import libpq_url
from app.core.config import Settings
from app.core.db import DB_OPTIONS
from bench import RESULTS, write_results

QUERIES: dict[str, dict[str, Any]] = {
    "near B69 3DE 5 mi + kind=meeting": {"near": "B69 3DE", "radius": 5, "kind": ["meeting"]},
    "near city centre 5 mi, 20 by distance": {"near": "52.4862,-1.8904", "radius": 5},
    "town + day + time band": {"town": "oldbury", "day": ["fri"], "time": "evening"},
    "when=today near B69, 3 mi": {"near": "B69", "radius": 3, "when": "today"},
    "when=now near B69, 3 mi": {"near": "B69", "radius": 3, "when": "now"},
    "when=now, all England": {"when": "now"},
    "when=today, all England": {"when": "today"},
    "full text q=garden": {"q": "garden"},
    "home page: near DY4 5 mi, this week, soonest first": {
        "near": "DY4",
        "radius": 5,
        "when": "week",
        "sort": "next",
    },
    "combined worst: London 10 mi, kind, day, time, access, q, sort=next": {
        "near": "51.5074,-0.1278",
        "radius": 10,
        "kind": ["meeting", "club"],
        "day": ["mon", "tue"],
        "time": "evening",
        "access": ["step_free"],
        "q": "recovery",
        "sort": "next",
    },
    # No kind chosen (a search form's default), two evenings, near the densest place: the
    # walk and the area keys each lose on one of these (app.assets.area).
    "no kind: B69 5 mi, Mon/Tue evening, soonest first": {
        "near": "B69 3DE", "radius": 5, "day": ["mon", "tue"], "time": "evening", "sort": "next",
    },
    "no kind: B69 5 mi, Mon/Tue evening, q=recovery": {
        "near": "B69 3DE", "radius": 5, "day": ["mon", "tue"], "time": "evening", "q": "recovery",
    },
    "no kind: B69 10 mi, Mon/Tue evening, step-free, q=recovery": {
        "near": "B69 3DE", "radius": 10, "day": ["mon", "tue"], "time": "evening",
        "access": ["step_free"], "q": "recovery",
    },
}  # fmt: skip


def bench_now() -> datetime:
    """The moment every search is run at, so that runs compare whatever the clock says: a
    Thursday at 20:30, the slowest hour for when=today and when=now in a sweep over the day at
    a million entries (python -m bench.hours), when most of the day's entries are over."""
    from app.core.time import zone
    from bench.synthetic import AROUND

    return datetime.combine(AROUND, dt_time(20, 30), tzinfo=zone())


# The server the benchmarks start from, read once: prepare_bench_db points DATABASE_URL at a
# benchmark's database, and the next one's name must not grow from that.
BASE_URL = os.environ.get("DATABASE_URL") or Settings().database_url


def bench_url(purpose: str) -> str:
    """A database of its own for each benchmark's data shape (`<name>_bench_n1000000`,
    `_bench_feeds`…), so that one benchmark never reloads another's million rows."""
    url = make_url(BASE_URL)
    return url.set(database=f"{url.database}_bench_{purpose}").render_as_string(hide_password=False)


def prepare_bench_db(url: str, n: int, *, only_meetings: bool = False, local: bool = False) -> None:
    sa_url = make_url(url)
    admin = sa_url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        if not c.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (sa_url.database,)
        ).fetchone():
            c.execute(f'CREATE DATABASE "{sa_url.database}"')
    os.environ["DATABASE_URL"] = url
    from app.core.config import get_settings
    from app.core.db import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()
    from app.core.migrations import upgrade

    upgrade(url)
    from sqlmodel import Session

    from app.seed import seed_all

    with Session(get_engine()) as session:
        seed_all(session, demo=False)
        have = session.execute(text("SELECT count(*) FROM asset WHERE source = 'bench'")).scalar()
        marked = session.execute(text("SELECT obj_description('asset'::regclass)")).scalar()
        session.commit()
    from bench.synthetic import load, mark

    # Reload when the data's size or shape (bench.synthetic.SHAPE) differs from what is asked.
    if have != n or (n and marked != mark(n, only_meetings=only_meetings, local=local)):
        started = time.perf_counter()
        raw = libpq_url(sa_url)
        with psycopg.connect(raw) as conn:
            load(conn, n, only_meetings=only_meetings, local=local)
        # Statistics for the planner, and pages marked all-visible as a settled table's are.
        with psycopg.connect(raw, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
        print(f"loaded {n} synthetic assets in {time.perf_counter() - started:.1f} s")


def percentiles(samples: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "mean": statistics.fmean(samples)}


def _captured(engine: Any, call: Any) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) that one call sends to PostgreSQL."""
    statements: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:  # fmt: skip
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return statements


def _floor(url: str, statements: list[tuple[str, Any]], repeat: int) -> dict[str, Any]:
    """The same statements through a bare psycopg connection: the database's share alone; and
    EXPLAIN ANALYZE of the slowest of them."""
    raw = libpq_url(url)
    samples, slowest = [], [0.0] * len(statements)
    with psycopg.connect(raw, options=DB_OPTIONS) as conn:
        for n in range(repeat + 1):
            started = time.perf_counter()
            for i, (statement, parameters) in enumerate(statements):
                one = time.perf_counter()
                cursor = conn.execute(statement, parameters)
                if cursor.description:  # a SET has no rows
                    cursor.fetchall()
                slowest[i] = max(slowest[i], time.perf_counter() - one)
            if n:  # the first run warms the connection
                samples.append((time.perf_counter() - started) * 1000)
        plannable = [i for i, (sql, _) in enumerate(statements) if sql.startswith("SELECT")]
        worst = max(plannable, key=lambda i: slowest[i])
        plan = conn.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) {statements[worst][0]}", statements[worst][1]
        ).fetchall()
    return {**percentiles(samples), "plan": [row[0] for row in plan]}


def _timed(call: Any, repeat: int) -> list[float]:
    """Milliseconds each of `repeat` calls took."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(n: int, repeat: int) -> dict[str, Any]:
    url = bench_url(f"n{n}")
    prepare_bench_db(url, n)
    from sqlmodel import Session

    from app.assets import estimates
    from app.assets.search import search_assets
    from app.assets.search_params import SearchParams
    from app.core import heap
    from app.core.db import get_engine

    results: dict[str, Any] = {"n": n, "repeat": repeat, "now": bench_now().isoformat(),
                               "queries": {}}  # fmt: skip
    now = bench_now()
    with Session(get_engine()) as session:
        search_assets(session, params=SearchParams(), now=now)  # start-up done, as a server's
        heap.settle()  # what app.main's lifespan does when a worker starts
        for label, params in QUERIES.items():
            search = SearchParams.model_validate(params)
            search_assets(session, params=search, now=now)  # warm the connection and caches
            samples = _timed(lambda s=search: search_assets(session, params=s, now=now), repeat)
            result = search_assets(session, params=search, now=now)
            # As the first search of its shape where it is: the planner asked for its estimate
            # (a shape keeps one per cell of its grid: app.assets.estimates).
            kept_s, estimates.KEPT_S = estimates.KEPT_S, 0.0
            try:
                asked = percentiles(
                    _timed(lambda s=search: search_assets(session, params=s, now=now), repeat)
                )
            finally:
                estimates.KEPT_S = kept_s
            statements = _captured(
                get_engine(), lambda s=search: search_assets(session, params=s, now=now)
            )
            floor = _floor(url, statements, repeat)
            timing = percentiles(samples)
            results["queries"][label] = {
                **timing, "asked_p50": asked["p50"], "asked_p95": asked["p95"],
                "total": result.total, "statements": len(statements),
                "sql_p50": floor["p50"], "sql_p95": floor["p95"], "slowest_plan": floor["plan"],
                "x_sql": round(timing["p50"] / floor["p50"], 2),
            }  # fmt: skip
    return results


def print_table(results: dict[str, Any]) -> None:
    print(
        f"\nsearch_assets over {results['n']:,} synthetic assets at {results['now']}, "
        f"{results['repeat']} runs each (ms); SQL = the same statements through bare psycopg;"
        " asked = the planner asked for its estimate at every run (a search's first in its cell)"
    )
    print(f"{'query':<68} {'p50':>6} {'p95':>6} {'p99':>6} {'SQL p50':>7} {'x SQL':>6} {'hits':>7}"
          f" {'asked p50':>9} {'p95':>6}")  # fmt: skip
    for label, r in results["queries"].items():
        print(f"{label:<68} {r['p50']:6.1f} {r['p95']:6.1f} {r['p99']:6.1f} {r['sql_p50']:7.1f} "
              f"{r['x_sql']:6.2f} {r['total']:7d} {r['asked_p50']:9.1f} "
              f"{r['asked_p95']:6.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--name", default="search", help=argparse.SUPPRESS)  # a size's own run
    args = parser.parse_args()
    if len(args.sizes) > 1:
        every = [_in_own_process(n, args.repeat) for n in args.sizes]
        print(f"\nwritten {write_results(args.name, every)}")
        return
    results = run(args.sizes[0], args.repeat)
    print_table(results)
    out = write_results(args.name, [results])
    if args.name == "search":  # not a size run for the sizes' results (_in_own_process)
        print(f"\nwritten {out}")


def _in_own_process(n: int, repeat: int) -> dict[str, Any]:
    """One size's results, run in a process of its own as a server would run against its one
    database: what a process keeps between searches (each shape's statements and the planner's
    estimates by cell, the places) was kept from the smaller database before it, and at 100k
    the home page's search took 23.3 ms at the median against 3.9 in a process of its own."""
    name = f"search_n{n}"
    subprocess.run([sys.executable, "-m", "bench.search", "--sizes", str(n), "--repeat",
                    str(repeat), "--name", name], check=True)  # fmt: skip
    path = RESULTS / f"{name}.json"
    (results,) = json.loads(path.read_text())
    path.unlink()
    return cast(dict[str, Any], results)


if __name__ == "__main__":
    main()
