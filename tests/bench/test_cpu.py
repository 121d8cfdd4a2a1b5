"""The HTTP benchmark's CPU accounting (bench.cpu) reads real processes from /proc."""

import os
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from bench import cpu
from tests.conftest import TEST_DATABASE_URL


def _burn(seconds: float) -> None:
    deadline = time.process_time() + seconds
    while time.process_time() < deadline:
        pass


def test_a_process_trees_cpu_grows_with_its_work() -> None:
    before = cpu.tree_cpu_s(os.getpid())
    _burn(0.3)
    after = cpu.tree_cpu_s(os.getpid())
    assert before is not None and after is not None
    assert 0.25 <= after - before < 1.0


def _superuser() -> bool:
    url = make_url(TEST_DATABASE_URL).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        row = conn.execute("SHOW is_superuser").fetchone()
    return row is not None and row[0] == "on"


def test_the_database_servers_process_tree_is_found(engine: object) -> None:
    if not _superuser():
        pytest.skip("the data directory is shown to superusers only")
    pid = cpu.postmaster_pid(TEST_DATABASE_URL)
    assert pid is not None
    assert b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
    assert (cpu.tree_cpu_s(pid) or 0) > 0


def test_a_missing_process_has_no_figure() -> None:
    assert cpu.tree_cpu_s(2**22 + 1) is None  # above the kernel's largest process id


def test_cpu_a_request_and_the_idle_share() -> None:
    before = cpu.CpuSnapshot(app_s=1.0, db_s=2.0, ticks=(1000, 400))
    after = cpu.CpuSnapshot(app_s=1.5, db_s=2.2, ticks=(2000, 650))
    busy_s = (1000 - 250) / cpu.TICKS_PER_S  # of all the cores' ticks, those not idle
    assert cpu.per_request(before, after, 100) == {
        "app_cpu_ms": 5.0, "db_cpu_ms": 2.0, "idle_pct": 25.0,
        "machine_ms": round(busy_s * 1000 / 100, 3),
    }  # fmt: skip
    unknown = cpu.CpuSnapshot(app_s=None, db_s=None, ticks=(1000, 400))
    assert cpu.per_request(unknown, after, 100)["app_cpu_ms"] is None
