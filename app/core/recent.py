"""Reference data read at most once per `data_version_ttl_s` per process.

Every search page shows the town picker and the interests: two statements and 20 ORM entries
a page, 14% of a page's Python at a million entries (py-spy, all-different searches), for
lists that only the command line changes. Held as plain values (never ORM entries, which
expire with their session), they reach pages within the second, as edits reach answers
(app.feeds.cache)."""

import time
from collections.abc import Callable
from threading import Lock
from typing import Generic, TypeVar

from sqlmodel import Session

from app.core.config import get_settings

T = TypeVar("T")


class Recent(Generic[T]):
    """`read(session)`'s value, read again once it is `data_version_ttl_s` old (every time
    when that is 0, as in the tests)."""

    def __init__(self, read: Callable[[Session], T]) -> None:
        self._read = read
        self._lock = Lock()
        self._value: T | None = None
        self._read_at = float("-inf")

    def get(self, session: Session) -> T:
        ttl = get_settings().data_version_ttl_s
        began = time.monotonic()
        with self._lock:
            if self._value is not None and began - self._read_at < ttl:
                return self._value
        value = self._read(session)
        if ttl > 0:
            with self._lock:
                self._value, self._read_at = value, began
        return value

    def clear(self) -> None:
        with self._lock:
            self._value, self._read_at = None, float("-inf")
