"""An in-process cache for whole feeds, keyed by URL and the data's version.

A big feed costs seconds to build (10,000 meetings) and is asked for far more often than the
data changes. The version (latest change number and highest id of assets) comes from the
request's own session, so a change is seen at once; the age limit bounds anything the version
does not cover (places, interests, "next date" notes)."""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import text
from sqlmodel import Session

from app.core.config import get_settings


@dataclass(frozen=True)
class CachedFeed:
    body: bytes
    media_type: str
    built_at: float


class FeedCache:
    def __init__(self, *, max_entries: int = 32) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], CachedFeed] = OrderedDict()
        self._lock = Lock()

    def get_or_build(
        self, key: tuple[str, str], build: Callable[[], tuple[bytes, str]]
    ) -> CachedFeed:
        max_age = get_settings().feed_max_age_s
        with self._lock:
            hit = self._entries.get(key)
            if hit and time.monotonic() - hit.built_at < max_age:
                self._entries.move_to_end(key)
                return hit
        body, media_type = build()
        entry = CachedFeed(body, media_type, time.monotonic())
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def data_version(session: Session) -> str:
    """Every insert and update takes a new change number (entries are never hard-deleted), so
    the highest one is the version: an index lookup, where count(*) read a million rows."""
    row = session.execute(
        text("SELECT coalesce(max(change_seq), 0), coalesce(max(id), 0) FROM asset")
    ).one()
    return f"{row[0]}-{row[1]}"


FEEDS = FeedCache()
