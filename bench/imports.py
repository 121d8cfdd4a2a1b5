"""Import benchmark (not a test): a synthetic Meeting Guide file of N meetings imported into the
bench database; prints time and peak memory.

    python -m bench.imports [--n 10000]"""

import argparse
import json
import random
import resource
import time
from pathlib import Path


def meeting_guide_file(n: int, path: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    rows = [
        {
            "name": f"Synthetic Group {i}",
            "slug": f"synthetic-{i}",
            "day": rng.randrange(7),
            "time": f"{rng.choice([10, 12, 18, 19, 20]):02d}:{rng.choice(['00', '30'])}",
            "end_time": "21:00",
            "types": rng.sample(["O", "C", "D", "SP", "BE", "W"], 2),
            "location": f"Hall {i % 2000}",
            "formatted_address": f"{i} High St, Town, B69 3DE, UK",
            "latitude": 52.3 + rng.random() * 0.5,
            "longitude": -2.3 + rng.random() * 0.6,
            "notes": "<p>Synthetic</p>",
            "timezone": "Europe/London",
        }  # fmt: skip
        for i in range(n)
    ]
    path.write_text(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    from bench.search import bench_url, prepare_bench_db

    prepare_bench_db(bench_url(), 0)
    from sqlalchemy import text
    from sqlmodel import Session

    from app.core.db import get_engine
    from app.imports.service import run_import
    from scrapers.base import SourceOptions, fetch
    from scrapers.meeting_guide import MeetingGuideSource

    path = Path("/tmp") / f"waymark-mg-{args.n}.json"
    meeting_guide_file(args.n, path)
    with Session(get_engine()) as session:
        session.execute(text("DELETE FROM asset WHERE source = 'bench-import'"))
        session.commit()
        started = time.perf_counter()
        records = list(
            MeetingGuideSource().records(fetch(str(path)), SourceOptions("bench-import"))
        )
        report = run_import(session, source="bench-import", records=records, trusted=True)
        session.commit()
        first = time.perf_counter() - started
        started = time.perf_counter()
        records = list(
            MeetingGuideSource().records(fetch(str(path)), SourceOptions("bench-import"))
        )
        again = run_import(session, source="bench-import", records=records, trusted=True)
        session.rollback()
        second = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"meetings": args.n, "file_mb": path.stat().st_size / 1e6, "first_run_s": first,
              "first": report.summary(), "second_run_s": second, "second": again.summary(),
              "peak_rss_mb": peak_mb}  # fmt: skip
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "imports.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
