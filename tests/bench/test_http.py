"""The HTTP benchmark's server handling (bench.http): its workers are found among real
processes, not multiprocessing's resource tracker beside them."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import http


def test_the_workers_of_a_multiprocess_server_are_its_spawned_children() -> None:
    # A parent that spawns two children with multiprocessing (as uvicorn --workers does),
    # which also starts its resource tracker.
    code = (
        "import multiprocessing as m, time\n"
        "if __name__ == '__main__':\n"
        "    m.set_start_method('spawn')\n"
        "    ps = [m.Process(target=time.sleep, args=(30,)) for _ in range(2)]\n"
        "    [p.start() for p in ps]\n"
        "    from multiprocessing import resource_tracker; resource_tracker.ensure_running()\n"
        "    time.sleep(30)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
    children: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while len(children) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
            task = Path(f"/proc/{server.pid}/task/{server.pid}/children")
            children = task.read_text().split()
        assert len(children) == 3, "two workers and the resource tracker"
        workers = http._workers(server)
        assert len(workers) == 2
        for pid in workers:
            assert b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            assert http._peak_rss_mb(pid) > 0
    finally:
        for child in children:  # orphans would sleep on after their parent
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(child), signal.SIGKILL)
        server.kill()
        server.wait()
