"""HTTP benchmark (not a test): uvicorn with 1 and N workers on loopback, loaded by wrk from a
second process at 16 connections; the near-search API, the search page and a trivial endpoint
(/healthz, the framework's ceiling) in the same run, so throughput is also a ratio. Each run
also says how much CPU a request cost the app and PostgreSQL and how much of the machine sat
idle (bench.cpu). Peak RSS of each worker is read from /proc after the load.

    python -m bench.http [--n 1000000] [--workers 1 2] [--seconds 10] [--rounds 3]

With --rounds, every target is run that many times in turn and each is shown from its median
round, with the rounds' ranges.

Needs `wrk` (Debian package; `make bench` installs it)."""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

from bench import cpu, write_results
from bench.search import bench_url, prepare_bench_db

PORT = 8765
NEAR_B69 = "/api/v1/assets?near=B69%203DE&radius=5&kind=meeting"
# (path, vary, gzip): with vary, every request searches around a different point (no cache
# hits); with gzip, it accepts gzip as browsers and phones do (wrk otherwise sends no
# Accept-Encoding, and every answer goes uncompressed).
TARGETS = {
    "trivial /healthz": ("/healthz", False, False),
    "API near B69 3DE 5 mi + meeting": (NEAR_B69, False, False),
    "API near B69 3DE 5 mi + meeting, gzip": (NEAR_B69, False, True),
    "API near distinct points 5 mi + meeting": ("/api/v1/assets?radius=5&kind=meeting", True,
                                                False),
    "page /search near B69 3DE 5 mi": ("/search?near=B69+3DE&radius=5", False, False),
    "page /search near distinct points": ("/search?radius=5", True, False),
    "page /towns/oldbury, gzip": ("/towns/oldbury", False, True),
}  # fmt: skip
REPORT = Path(__file__).parent / "wrk_report.lua"


def _serve(
    workers: int, url: str, app: tuple[str, ...] = ("app.main:app",)
) -> subprocess.Popen[bytes]:
    """uvicorn serving `app` (its arguments: the app, or --factory and a factory) on PORT,
    once it answers /readyz. Served as in production (templates not checked for edits), with a
    secret of its own."""
    env = {**os.environ, "DATABASE_URL": url, "API_RATE_LIMIT_PER_MINUTE": "100000000",
           "LOG_LEVEL": "warning", "ENV": "production",
           "SECRET_KEY": secrets.token_hex(32)}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *app, "--host", "127.0.0.1", "--port",
         str(PORT), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _workers(server: subprocess.Popen[bytes]) -> list[int]:
    """The server's worker processes (itself, with one worker), not multiprocessing's
    resource tracker beside them."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    workers = [int(c) for c in children if b"resource_tracker" not in _command_line(int(c))]
    return workers or [server.pid]


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended since it was listed
        return b""


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _wrk(
    target: tuple[str, bool, bool], seconds: int, connections: int, pids: tuple[int, int | None]
) -> dict[str, Any]:
    path, vary, gzip = target
    url = f"http://127.0.0.1:{PORT}{path}"
    env = {**os.environ, "WAYMARK_VARY": "1" if vary else "0"}
    accept = ["-H", "Accept-Encoding: gzip"] if gzip else []
    # Two seconds of the same requests first, unmeasured: connection pools, PostgreSQL's
    # buffers and the code paths warm (a varied warm-up searches other points than the run).
    warm = {**env, "WAYMARK_VARY_FROM": "3000000"}
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d2s", *accept, "-s", str(REPORT), url],
                   check=True, capture_output=True, env=warm)  # fmt: skip
    before = cpu.snapshot(*pids)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", *accept,
         "-s", str(REPORT), url],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    after = cpu.snapshot(*pids)
    line = next(x for x in done.stdout.splitlines() if x.startswith("{"))
    figures: dict[str, Any] = json.loads(line)
    return figures | cpu.per_request(before, after, int(figures["requests"]))


def _round(seconds: int, connections: int, pids: tuple[int, int | None]) -> dict[str, Any]:
    """Every target once, each as a share of the trivial endpoint's throughput in the round."""
    targets = {label: _wrk(target, seconds, connections, pids)
               for label, target in TARGETS.items()}  # fmt: skip
    return as_shares_of_trivial(targets)


def as_shares_of_trivial(targets: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """`targets` (one server's, in one round), each with its throughput as a share of the
    trivial endpoint's there (`pct_of_trivial`)."""
    trivial = targets["trivial /healthz"]["rps"]
    for figures in targets.values():
        figures["pct_of_trivial"] = round(100 * figures["rps"] / trivial, 1)
    return targets


def _median_round(
    rounds: list[dict[str, Any]], labels: Iterable[str] = tuple(TARGETS)
) -> dict[str, Any]:
    """Each target's figures from its median round by throughput, with the rounds' ranges:
    this machine's speed moved by a quarter between runs minutes apart."""
    targets = {}
    for label in labels:
        runs = sorted((r[label] for r in rounds), key=lambda f: f["rps"])
        figures = dict(runs[(len(runs) - 1) // 2])
        if len(runs) > 1:
            for name in ("rps", "p95", "pct_of_trivial"):
                figures[f"{name}_range"] = [min(f[name] for f in runs), max(f[name] for f in runs)]
        targets[label] = figures
    return targets


def run(
    n: int, worker_counts: list[int], seconds: int, connections: int, rounds: int = 1
) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does)")
    url = bench_url(f"n{n}")  # the search benchmark's data of this size
    prepare_bench_db(url, n)
    results: dict[str, Any] = {"n": n, "connections": connections, "seconds": seconds,
                               "rounds": rounds, "runs": []}  # fmt: skip
    database = cpu.postmaster_pid(url)
    for workers in worker_counts:
        server = _serve(workers, url)
        pids = (server.pid, database)
        try:
            # Rounds of every target in turn, so a slow spell of the machine's falls on all.
            each = [_round(seconds, connections, pids) for _ in range(rounds)]
            run_result: dict[str, Any] = {"workers": workers, "targets": _median_round(each)}
            run_result["peak_rss_mb"] = [round(_peak_rss_mb(p)) for p in _workers(server)]
            results["runs"].append(run_result)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return results


def print_table(results: dict[str, Any]) -> None:
    rounds = results.get("rounds", 1)
    median = f"; the median of {rounds} rounds, [range] after it" if rounds > 1 else ""
    print(f"\nHTTP over {results['n']:,} assets, wrk {results['connections']} connections, "
          f"{results['seconds']} s each (loopback){median}")  # fmt: skip
    print("CPU a request: the app's processes and PostgreSQL's, in ms; idle: the machine's share")
    print(f"{'workers':>7} {'target':<40} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'% trivial':>9} {'errors':>6} {'app ms':>7} {'db ms':>6} "
          f"{'idle %':>6}")  # fmt: skip
    for r in results["runs"]:
        for label, f in r["targets"].items():
            print(f"{r['workers']:>7} {label:<40} {f['rps']:>8.0f} {f['p50']:>7.1f} "
                  f"{f['p95']:>7.1f} {f['p99']:>7.1f} {f['pct_of_trivial']:>9.1f} "
                  f"{f['errors']:>6} {_shown(f.get('app_cpu_ms')):>7} "
                  f"{_shown(f.get('db_cpu_ms')):>6} {_shown(f.get('idle_pct'), 0):>6}"
                  + _ranges(f))  # fmt: skip
        print(f"{'':>7} peak RSS per worker (MB): {r['peak_rss_mb']}")


def _ranges(f: dict[str, Any]) -> str:
    if "rps_range" not in f:
        return ""
    (r0, r1), (p0, p1), (t0, t1) = f["rps_range"], f["p95_range"], f["pct_of_trivial_range"]
    return f"  [{r0:.0f}–{r1:.0f} req/s, p95 {p0:.1f}–{p1:.1f}, {t0:.1f}–{t1:.1f}%]"


def _shown(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def load_options(
    description: str | None, workers: dict[str, Any], rounds: int
) -> argparse.Namespace:
    """The options of a benchmark that loads servers with wrk: the data's size, the workers
    (`workers`: the argument's nargs and default), seconds a run, connections and rounds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, **workers)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=rounds, help="every target this many times")
    return parser.parse_args()


def main() -> None:
    args = load_options(__doc__, {"nargs": "+", "default": [1, os.cpu_count() or 2]}, rounds=1)
    results = run(args.n, args.workers, args.seconds, args.connections, args.rounds)
    print_table(results)
    write_results("http", results)


if __name__ == "__main__":
    main()
