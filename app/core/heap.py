"""The objects built at start-up are kept out of the garbage collector's full passes, and the
C allocator keeps at most two arenas.

Modules, mapped classes, compiled templates and statements make ~140,000 long-lived objects;
every tenth second-generation collection walked them all, which added ~80 ms to one search in
ten (the combined search at a million entries: 121–144 ms, with spikes of 196–206 ms). After
`gc.freeze()` a full pass walks only what was made since. Whole feeds and PDFs are built with
the collector paused (`collections_paused`).

glibc gives each thread that allocates an arena of its own (up to eight a core), and memory a
thread frees stays in its arena for that arena's threads. A town's page is built in a handler
thread (~40 MB while Oldbury's 3,070 entries are laid out), searches on the event loop, so a
worker held the freed memory of several arenas: the benchmark's targets in turn, three rounds,
peak RSS 233-241 MB a worker, 216-230 with two arenas (`limit_arenas`, as MALLOC_ARENA_MAX=2
would set)."""

import ctypes
import ctypes.util
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from threading import Lock

_M_ARENA_MAX = -8  # mallopt's parameter (malloc.h)
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most `arenas` malloc arenas for this process from now on (call before threads start);
    whether it was set. Not where the allocator is not glibc's, nor where MALLOC_ARENA_MAX
    already says how many."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    return bool(mallopt is not None and mallopt(_M_ARENA_MAX, arenas) == 1)


@cache  # once a process (tests start many apps in one)
def settle() -> None:
    """Collect once, then freeze what is left (call when start-up is done)."""
    gc.collect()
    gc.freeze()


class _Pause:
    """The cyclic collector off while any whole-document build runs (a feed, a PDF), on again
    when the last of them ends."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._running = 0
        self._was_enabled = True

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._was_enabled:
                    gc.enable()


# A whole feed makes ~30,000 read-only rows and 10,000 events that all live until it is done:
# the collector's passes over them, ever longer as they pile up, were 446 of 1,631 ms of
# all.ics at 10,000 meetings (425 collections, gc.callbacks). The pause is the process's, so
# the searches answered meanwhile leave their cycles too (~31 KB a search: ~10 MB over a 1 s
# build at 300 searches a second), all collected when the build ends. Searches alone spend
# 0.03 ms a search collecting, so they never pause it.
collections_paused = _Pause()
