"""Where a load run's CPU went: the app's processes, PostgreSQL's, and what was left idle.

Throughput on this machine is bounded by CPU (the load generator shares the cores), so the
HTTP benchmark also says how many milliseconds of CPU each request cost the app and the
database: two vCPUs ÷ that sum is the ceiling, whatever the code does with its time. Read from
/proc (Linux), as utime + stime of a process tree; None where a tree cannot be read (a server
owned by another user, another machine)."""

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

from app.core.backup import libpq_url

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):  # the thread or the process ended meanwhile
            found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _ticks_of(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def tree_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by the process and its live descendants; None
    when the process itself cannot be read. Descendants that end while they are read (a
    database connection closing) are left out."""
    try:
        total = _ticks_of(pid)
    except (OSError, IndexError, ValueError):
        return None
    todo = _children(pid)
    while todo:
        child = todo.pop()
        try:
            total += _ticks_of(child)
        except (OSError, IndexError, ValueError):
            continue
        todo.extend(_children(child))
    return total / TICKS_PER_S


def postmaster_pid(database_url: str) -> int | None:
    """The PostgreSQL server's process id, from its data directory (superuser only)."""
    try:
        with psycopg.connect(libpq_url(database_url)) as conn:
            row = conn.execute("SHOW data_directory").fetchone()
        return int(Path(row[0], "postmaster.pid").read_text().split()[0]) if row else None
    except (OSError, psycopg.Error, ValueError, IndexError):
        return None


def _cpu_ticks() -> tuple[int, int]:
    """(all, idle) jiffies of every core, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return sum(fields), fields[3]


@dataclass
class CpuSnapshot:
    app_s: float | None
    db_s: float | None
    ticks: tuple[int, int]


def snapshot(app_pid: int, db_pid: int | None) -> CpuSnapshot:
    db = tree_cpu_s(db_pid) if db_pid is not None else None
    return CpuSnapshot(tree_cpu_s(app_pid), db, _cpu_ticks())


def per_request(before: CpuSnapshot, after: CpuSnapshot, requests: int) -> dict[str, float | None]:
    """CPU ms a request for the app and the database, and for the whole machine (every core's
    busy time, the load generator's included), and the machine's idle share (%)."""

    def ms(a: float | None, b: float | None) -> float | None:
        if a is None or b is None or requests == 0:
            return None
        return round((b - a) * 1000 / requests, 2)

    all_ticks = after.ticks[0] - before.ticks[0]
    idle = after.ticks[1] - before.ticks[1]
    return {
        "app_cpu_ms": ms(before.app_s, after.app_s),
        "db_cpu_ms": ms(before.db_s, after.db_s),
        "idle_pct": round(100 * idle / all_ticks, 1) if all_ticks else None,
        "machine_ms": round((all_ticks - idle) * 1000 / TICKS_PER_S / requests, 3)
        if requests
        else None,
    }
