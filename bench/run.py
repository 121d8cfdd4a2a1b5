"""`make bench`: the whole suite, each benchmark in its own process and its own database, then
one table and bench/results/latest.json. Never part of `make test`.

    python -m bench.run [--quick]   (--quick: 10k and 100k only, shorter HTTP runs)
    python -m bench.run --collect   (only gather the benchmarks' last results into latest.json)"""

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import RESULTS


def _step(*args: str) -> None:
    print(f"\n$ python -m {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", *args], check=True)


def _machine() -> dict[str, Any]:
    import os

    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    # Which interpreter, not only which version: a distribution's build and a default source
    # build of the same version differ by ~11% in a search's CPU (docs/performance.md).
    interpreter = os.path.realpath(sys.executable)
    return {"cpus": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "interpreter": interpreter,
            "system": platform.platform()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--collect", action="store_true")
    args = parser.parse_args()
    sizes = ["10000", "100000"] if args.quick else ["10000", "100000", "1000000"]
    started = time.perf_counter()
    if not args.collect:
        _step("bench.search", "--sizes", *sizes, "--repeat", "50")
        _step("bench.hours", "--n", sizes[-1], "--repeat", "20" if args.quick else "40")
        _step(
            "bench.http",
            "--n",
            sizes[-1],
            "--seconds",
            "5" if args.quick else "10",
            "--rounds",
            "1" if args.quick else "3",
        )
        if not args.quick:  # the same servers and load as bench.http: only at a million
            _step("bench.ceiling", "--n", sizes[-1], "--rounds", "3")
        _step("bench.feeds", "--n", "10000")
        _step("bench.imports", "--sizes", "1000", "10000")
        if not args.quick:
            _step("bench.print", "--n", "10000")
    latest: dict[str, Any] = {"machine": _machine()}
    if args.collect:
        latest["collected"] = "each benchmark's last run, gathered by --collect"
    else:
        latest["minutes"] = round((time.perf_counter() - started) / 60, 1)
    for name in ("search", "hours", "http", "ceiling", "feeds", "imports", "print"):
        path = RESULTS / f"{name}.json"
        if path.exists():
            latest[name] = json.loads(path.read_text())
    (RESULTS / "latest.json").write_text(json.dumps(latest, indent=2))
    print(f"\nwritten {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
