"""when=today, when=now and the home page's search over the day (not a test): each depends on
the hour — how much of the day is over, what is on now, how far off the next starts are — so
one moment (bench.search runs at bench_now) is one point of a curve. This runs when=today and
when=now near B69 (3 miles) and the home page's (near DY4, 5 miles, this week, soonest first)
at half past every hour of a Thursday, prints p50/p95 per hour and the worst, and writes
bench/results/hours.json.

    python -m bench.hours [--n 1000000] [--repeat 40]"""

import argparse
import time
from datetime import datetime, timedelta
from typing import Any

from bench import write_results

SEARCHES = {
    "when=today": {"near": "B69", "radius": 3, "when": "today"},
    "when=now": {"near": "B69", "radius": 3, "when": "now"},
    "home": {"near": "DY4", "radius": 5, "when": "week", "sort": "next"},
}
WARM_UP = 5  # runs at each hour left out: the first reads of that hour's entries and plans


def run(n: int, repeat: int) -> dict[str, Any]:
    from bench.search import bench_now, bench_url, percentiles, prepare_bench_db

    prepare_bench_db(bench_url(f"n{n}"), n)
    from sqlmodel import Session

    from app.assets.search import search_assets
    from app.assets.search_params import SearchParams
    from app.core.db import get_engine

    midnight = bench_now().replace(hour=0, minute=0)
    hours: list[dict[str, Any]] = []
    with Session(get_engine()) as session:
        for hour in range(24):
            now: datetime = midnight + timedelta(hours=hour, minutes=30)
            row: dict[str, Any] = {"at": now.strftime("%H:%M")}
            for label, params in SEARCHES.items():
                search = SearchParams.model_validate(params)
                samples = []
                for _ in range(WARM_UP + repeat):
                    started = time.perf_counter()
                    result = search_assets(session, params=search, now=now)
                    samples.append((time.perf_counter() - started) * 1000)
                kept = samples[WARM_UP:]
                timing = percentiles(kept)
                row[label] = {"p50": round(timing["p50"], 1), "p95": round(timing["p95"], 1),
                              "total": result.total}  # fmt: skip
            hours.append(row)
    worst = {}
    for label in SEARCHES:
        slowest = max(hours, key=lambda h: float(h[label]["p95"]))
        worst[label] = {"at": slowest["at"], **slowest[label]}
    return {"n": n, "repeat": repeat, "day": midnight.date().isoformat(), "hours": hours,
            "worst": worst}  # fmt: skip


def print_table(results: dict[str, Any]) -> None:
    print(f"\nby the hour over {results['n']:,} synthetic assets on {results['day']} "
          f"(a Thursday), {results['repeat']} runs an hour (ms)")  # fmt: skip
    print(
        f"{'at':<6}" + "".join(f"{label + ' p50':>16} {'p95':>6} {'hits':>5}" for label in SEARCHES)
    )
    for row in results["hours"]:
        cells = "".join(
            f"{row[label]['p50']:16.1f} {row[label]['p95']:6.1f} {row[label]['total']:5d}"
            for label in SEARCHES
        )
        print(f"{row['at']:<6}{cells}")
    for label, worst in results["worst"].items():
        print(f"worst {label}: p95 {worst['p95']} ms at {worst['at']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    results = run(args.n, args.repeat)
    print_table(results)
    out = write_results("hours", results)
    print(f"written {out}")


if __name__ == "__main__":
    main()
