"""Values read from the database at most once per `data_version_ttl_s`, or once per key, per
process, kept as plain values (never ORM entries, which expire with their session).

Every search page showed the town picker and the interests: two statements and 20 ORM entries
a page, 14% of a page's Python at a million entries (py-spy, all-different searches), for
lists only the command line changes; they reach pages within the second, as edits reach
answers (app.feeds.cache). The home page's "on today" is the same for every visitor until
the data or the minute changes: read once per both (app.home)."""

import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from threading import Lock
from typing import Any, Generic, TypeVar, cast

from sqlmodel import Session

from app.core.config import get_settings

T = TypeVar("T")


class Recent(Generic[T]):
    """`read(session)`'s value, read again once it is `data_version_ttl_s` old or, with `key`,
    once `key(session)` changes; every time when `data_version_ttl_s` is 0 (the tests)."""

    def __init__(
        self, read: Callable[[Session], T], *, key: Callable[[Session], Hashable] | None = None
    ) -> None:
        self._read = read
        self._key_of = key
        self._lock = Lock()
        self._value: T | None = None
        self._key: Hashable = None
        self._read_at = float("-inf")

    def get(self, session: Session) -> T:
        ttl = get_settings().data_version_ttl_s
        if ttl <= 0:
            return self._read(session)
        key = self._key_of(session) if self._key_of else None
        began = time.monotonic()
        with self._lock:
            current = key == self._key if self._key_of else began - self._read_at < ttl
            if self._value is not None and current:
                return self._value
        value = self._read(session)
        with self._lock:
            self._value, self._key, self._read_at = value, key, began
        return value

    def holding(self, session: Session, wanted: Iterable[Hashable]) -> T:
        """get's value (a mapping), read again at once when `wanted` names a key it lacks: one
        added since it was read (an interest seeded, a town imported)."""
        value = self.get(session)
        if not cast(Mapping[Hashable, Any], value).keys() >= set(wanted):
            self.clear()
            value = self.get(session)
        return value

    def clear(self) -> None:
        with self._lock:
            self._value, self._key, self._read_at = None, None, float("-inf")
