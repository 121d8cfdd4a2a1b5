"""How much of /healthz a distinct near search could reach, were the database free or the
search only its least statement (not a test).

Serves, each in turn with N workers, the app as it is; as bench.free_page serves it (every
page given from memory after the first, so PostgreSQL does nothing and the app everything
else); as bench.nearest_ids serves it (the search only sends the least statement a near page
needs and answers with its 20 ids); and bench.bare_statement (that statement on a plain ASGI
app, no framework). Each is loaded as bench.http loads the app: /healthz, then the
near-search API around a different point every request. Rounds alternate the apps, so a slow
spell of the machine's falls on each. What the free database reaches is the ceiling of the
app's own code for that target; what a search costs the machine beyond /healthz in the plain
app is the floor of any design that asks PostgreSQL once a search.

    python -m bench.ceiling [--n 1000000] [--workers 2] [--seconds 10] [--rounds 3]"""

from typing import Any

from bench import cpu, write_results
from bench.http import (
    TARGETS,
    _median_round,
    _serve,
    _wrk,
    as_shares_of_trivial,
    load_options,
)
from bench.search import bench_url, prepare_bench_db

APPS = {
    "as it is": ("app.main:app",),
    "database free": ("--factory", "bench.free_page:served"),
    "least statement": ("--factory", "bench.nearest_ids:served"),
    "no framework": ("bench.bare_statement:app",),
}
SHARE = 0.4  # the target: a search's throughput this share of /healthz's
MEASURED = ("trivial /healthz", "API near distinct points 5 mi + meeting")


def _round(
    workers: int, url: str, seconds: int, connections: int, database: int | None
) -> dict[str, dict[str, Any]]:
    """Each app served in turn and loaded with each target: {app: {target: figures}}."""
    measured: dict[str, dict[str, Any]] = {}
    for label, app in APPS.items():
        server = _serve(workers, url, app)
        try:
            pids = (server.pid, database)
            targets = {t: _wrk(TARGETS[t], seconds, connections, pids) for t in MEASURED}
        finally:
            server.terminate()
            server.wait(timeout=30)
        measured[label] = as_shares_of_trivial(targets)  # of the same app's, that minute
    return measured


def beyond_healthz(apps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a search may cost the machine beyond /healthz for SHARE of its throughput in the
    app as it is (a search at SHARE of /healthz's rate costs 1/SHARE of its machine ms), and
    what each app's search costs beyond its own /healthz (the plain app's: its statement)."""
    trivial, search = MEASURED
    allowed = (1 / SHARE - 1) * apps["as it is"][trivial]["machine_ms"]
    costs = {label: t[search]["machine_ms"] - t[trivial]["machine_ms"] for label, t in apps.items()}
    return {
        "share": SHARE,
        "allowed_ms": round(allowed, 3),
        "apps_ms": {label: round(ms, 3) for label, ms in costs.items()},
    }


def run(n: int, workers: int, seconds: int, connections: int, rounds: int) -> dict[str, Any]:
    url = bench_url(f"n{n}")  # the search benchmark's data of this size
    prepare_bench_db(url, n)
    database = cpu.postmaster_pid(url)
    each = [_round(workers, url, seconds, connections, database) for _ in range(rounds)]
    apps = {label: _median_round([r[label] for r in each], MEASURED) for label in APPS}
    return {
        "n": n, "workers": workers, "connections": connections, "seconds": seconds,
        "rounds": rounds, "apps": apps, "beyond_healthz": beyond_healthz(apps),
    }  # fmt: skip


def print_table(results: dict[str, Any]) -> None:
    print(f"\nNear searches around distinct points over {results['n']:,} assets, "
          f"{results['workers']} workers, wrk {results['connections']} connections, "
          f"{results['seconds']} s; the median of {results['rounds']} rounds [range]")  # fmt: skip
    print(f"{'app':<16} {'target':<40} {'req/s':>8} {'p95 ms':>7} {'% trivial':>9} "
          f"{'app ms':>7} {'db ms':>6} {'machine':>7}  range")  # fmt: skip
    for label, targets in results["apps"].items():
        for target, f in targets.items():
            spread = ""
            if "rps_range" in f:
                (r0, r1), (t0, t1) = f["rps_range"], f["pct_of_trivial_range"]
                spread = f"  [{r0:.0f}–{r1:.0f} req/s, {t0:.1f}–{t1:.1f}%]"
            print(f"{label:<16} {target:<40} {f['rps']:>8.0f} {f['p95']:>7.1f} "
                  f"{f['pct_of_trivial']:>9.1f} {f.get('app_cpu_ms') or 0:>7.2f} "
                  f"{f.get('db_cpu_ms') or 0:>6.2f} {f['machine_ms']:>7.3f}{spread}")  # fmt: skip
    beyond = results["beyond_healthz"]
    print(
        f"\nAt {beyond['share']:.0%} of the app's /healthz a search may cost the machine "
        f"{beyond['allowed_ms']:.3f} ms beyond what /healthz costs; beyond their own /healthz:"
    )
    for label, ms in beyond["apps_ms"].items():
        print(f"  {label:<16} {ms:.3f} ms")


def main() -> None:
    args = load_options(__doc__, {"default": 2}, rounds=3)
    results = run(args.n, args.workers, args.seconds, args.connections, args.rounds)
    print_table(results)
    write_results("ceiling", results)


if __name__ == "__main__":
    main()
