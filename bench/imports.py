"""Import benchmark (not a test): synthetic Meeting Guide files imported into their own
database (`<db>_imports`), each size in a fresh process so its peak memory is its own.
Prints time, records per second and peak RSS per size: memory should stay flat as the file
grows, because the file is streamed (ijson) rather than loaded.

    python -m bench.imports [--sizes 1000 10000]"""

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import write_results


def meeting_guide_file(n: int, path: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write("[")
        for i in range(n):
            row = {
                "name": f"Synthetic Group {i}", "slug": f"synthetic-{i}", "day": rng.randrange(7),
                "time": f"{rng.choice([10, 12, 18, 19, 20]):02d}:{rng.choice(['00', '30'])}",
                "end_time": "21:00", "types": rng.sample(["O", "C", "D", "SP", "BE", "W"], 2),
                "location": f"Hall {i % 2000}",
                "formatted_address": f"{i} High St, Town, B69 3DE, UK",
                "latitude": 52.3 + rng.random() * 0.5, "longitude": -2.3 + rng.random() * 0.6,
                "notes": "<p>Synthetic</p>", "timezone": "Europe/London",
            }  # fmt: skip
            out.write(("," if i else "") + json.dumps(row))
        out.write("]")


def imports_url() -> str:
    from bench.search import bench_url

    return bench_url("imports")


def one(n: int) -> dict[str, object]:
    """Import an n-meeting file twice (new, then unchanged) into an emptied database."""
    from bench.search import prepare_bench_db

    prepare_bench_db(imports_url(), 0)
    from sqlalchemy import text
    from sqlmodel import Session

    from app.core.db import get_engine
    from app.imports.service import run_import
    from scrapers.base import SourceOptions, fetch
    from scrapers.meeting_guide import MeetingGuideSource

    path = Path("/tmp") / f"waymark-mg-{n}.json"
    meeting_guide_file(n, path)
    with Session(get_engine()) as session:
        # Its own database: start empty (no venues left from the last run to update).
        session.execute(text("TRUNCATE asset, venue, revision CASCADE"))
        session.commit()
        timings, reports = [], []
        for _ in range(2):
            started = time.perf_counter()
            payload = fetch(str(path)).payload
            records = MeetingGuideSource().records(payload, SourceOptions("bench-import"))  # type: ignore[arg-type]
            report = run_import(session, source="bench-import", records=records, trusted=True)
            session.commit()
            timings.append(time.perf_counter() - started)
            reports.append(report.summary())
    return {
        "meetings": n, "file_mb": round(path.stat().st_size / 1e6, 2),
        "first_run_s": round(timings[0], 1), "per_second": round(n / timings[0]),
        "second_run_s": round(timings[1], 2), "first": reports[0], "second": reports[1],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    results = []
    for n in args.sizes:
        done = subprocess.run([sys.executable, "-m", "bench.imports", "--one", str(n)],
                              check=True, capture_output=True, text=True)  # fmt: skip
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"{r['meetings']:>7} meetings  {r['file_mb']:>5} MB  first {r['first_run_s']:>6} s "
              f"({r['per_second']}/s)  again {r['second_run_s']:>5} s  "
              f"peak RSS {r['peak_rss_mb']} MB")  # fmt: skip
    write_results("imports", results)


if __name__ == "__main__":
    main()
