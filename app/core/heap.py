"""The objects built at start-up are kept out of the garbage collector's full passes.

Modules, mapped classes, compiled templates and statements make ~140,000 long-lived objects;
every tenth second-generation collection walked them all, which added ~80 ms to one search in
ten (the combined search at a million entries: 121–144 ms, with spikes of 196–206 ms). After
`gc.freeze()` a full pass walks only what was made since."""

import gc
from functools import cache


@cache  # once a process (tests start many apps in one)
def settle() -> None:
    """Collect once, then freeze what is left (call when start-up is done)."""
    gc.collect()
    gc.freeze()
