"""An in-process cache for whole feeds, keyed by URL and the data's version.

A big feed costs seconds to build (10,000 meetings) and is asked for far more often than the
data changes. The version (latest change number and highest id of assets) is read from the
database at most once a second per process (`data_version_ttl_s`), so a change is seen within
that second; the age limit bounds anything the version does not cover (places, interests,
"next date" notes)."""

import gzip
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from threading import Event, Lock, Thread

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session
from starlette.datastructures import Headers
from starlette.responses import Response

from app.core.config import get_settings
from app.feeds.http import etag_of, not_modified

BUILD_WAIT_S = 30  # a waiting request builds for itself after this long
CLAIM_S = 5.0  # a request sent to build an entry is waited for this long before another is
SWEEP_S = 1.0  # how often a cache with kept_for_s looks for entries past it
# What is kept for its minute (minute_key) is asked for in that minute, and a page also in the
# next while that minute's is built (app.feeds.kept_pages): past two minutes it never is.
MINUTE_KEYED_S = 120.0
LOG = logging.getLogger("waymark.cache")


@dataclass(frozen=True)
class CachedFeed:
    body: bytes
    media_type: str
    built_at: float

    @cached_property
    def etag(self) -> str:
        """Its ETag, worked out once (a town's page at a million entries is 1.5 MB)."""
        return etag_of(self.body)

    @cached_property
    def gzipped(self) -> bytes:
        """Its body compressed once, for every client that accepts gzip: compressing a town's
        page for each request (the GZip middleware) took 49 ms of a kept page's 50."""
        return gzip.compress(self.body, mtime=0)


def kept_response(
    request: Headers, kept: CachedFeed, headers: Mapping[str, str] | None = None
) -> Response:
    """A kept answer, page or feed, compressed once for clients that accept gzip (the GZip
    middleware passes on a response already encoded), each encoding with its own ETag (which
    the feeds' middleware takes rather than hashing the body again); 304 when the client has
    it. `headers`: the response's own (Last-Modified)."""
    sent = dict(headers or {})
    body, etag = kept.body, kept.etag
    if "gzip" in request.get("accept-encoding", ""):  # as the GZip middleware asks
        body, etag = kept.gzipped, kept.etag[:-1] + '-gzip"'
        # (the middleware adds the Vary to what it passes uncompressed)
        sent.update({"content-encoding": "gzip", "vary": "Accept-Encoding"})
    sent["etag"] = etag
    if not_modified(request, etag, sent.get("Last-Modified")):
        sent.pop("content-encoding", None)  # no body to decode
        return Response(status_code=304, headers=sent)
    return Response(body, media_type=kept.media_type, headers=sent)


def _always() -> bool:
    return True


class FeedCache:
    """Entries by key, with one build at a time per key: the requests that miss while it is
    being built wait for it (when the minute turned, sixteen requests each built the same
    search, and a feed's first build ran once per waiting client)."""

    def __init__(
        self,
        *,
        max_entries: int = 32,
        max_bytes: int | None = None,
        kept_for_s: float | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes  # of bodies: the least recently used dropped past it
        # Entries older than this are let go as others are stored (looked for at most once a
        # SWEEP_S): those kept for their minute are never asked for again once it is over,
        # and a town's pages of eight past minutes held 12 MB of a worker's 16 for pages.
        self.kept_for_s = kept_for_s
        self._swept_at = float("-inf")
        self._bytes = 0
        self._entries: OrderedDict[tuple[str, str], CachedFeed] = OrderedDict()
        self._building: dict[tuple[str, str], Event] = {}
        self._claims: dict[tuple[str, str], float] = {}  # key → when one was sent to build it
        self._lock = Lock()

    def get_or_build(
        self,
        key: tuple[str, str],
        build: Callable[[], tuple[bytes, str]],
        *,
        keep: Callable[[], bool] = _always,
    ) -> CachedFeed:
        """The entry under `key`, built if it is not there; `keep()`, asked after the build,
        says whether it is kept (a page that records each visit is not)."""
        with self._lock:
            hit = self._fresh(key)
            building = self._building.get(key)
            if hit is None and building is None:
                self._building[key] = Event()
        if hit is not None:
            return hit
        if building is not None:
            building.wait(timeout=BUILD_WAIT_S)
            with self._lock:
                hit = self._fresh(key)
            if hit is not None:
                return hit
            return self._store(key, build(), keep)  # the first build failed or is too slow
        try:
            return self._store(key, build(), keep)
        finally:
            with self._lock:
                self._building.pop(key).set()
                self._claims.pop(key, None)  # built or failed: the next may try

    def claim(self, key: tuple[str, str]) -> bool:
        """Whether the caller is the one to build `key`: nobody is building it or has been sent
        to in the last CLAIM_S seconds. Taken on the event loop as a request arrives, so the
        rest know at once; when the check waited for a handler thread to start building,
        every request that arrived in between was sent to the handlers as well."""
        now = time.monotonic()
        with self._lock:
            for old in [k for k, at in self._claims.items() if now - at >= CLAIM_S]:
                del self._claims[old]  # sent, but built under another key or not at all
            if key in self._building or key in self._claims or self._fresh(key) is not None:
                return False
            self._claims[key] = now
            return True

    def get(self, key: tuple[str, str]) -> CachedFeed | None:
        """The entry if it is there and fresh; nothing is built."""
        with self._lock:
            return self._fresh(key)

    def _fresh(self, key: tuple[str, str]) -> CachedFeed | None:
        hit = self._entries.get(key)
        if hit is None or time.monotonic() - hit.built_at >= get_settings().feed_max_age_s:
            return None
        self._entries.move_to_end(key)
        return hit

    def _store(
        self, key: tuple[str, str], built: tuple[bytes, str], keep: Callable[[], bool] = _always
    ) -> CachedFeed:
        entry = CachedFeed(*built, time.monotonic())
        if not keep() or (self.max_bytes is not None and len(entry.body) > self.max_bytes):
            return entry
        with self._lock:
            self._sweep(entry.built_at)
            replaced = self._entries.pop(key, None)
            self._bytes += len(entry.body) - (len(replaced.body) if replaced else 0)
            self._entries[key] = entry
            while len(self._entries) > self.max_entries or (
                self.max_bytes is not None and self._bytes > self.max_bytes
            ):
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)
        return entry

    def _sweep(self, now: float) -> None:
        """Let go of the entries older than kept_for_s (under the lock)."""
        if self.kept_for_s is None or now - self._swept_at < SWEEP_S:
            return
        self._swept_at = now
        for key in [k for k, e in self._entries.items() if now - e.built_at >= self.kept_for_s]:
            self._bytes -= len(self._entries.pop(key).body)

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._claims.clear()


def minute_key(url: str, version: str, now: datetime) -> tuple[str, str]:
    """The key of what is the same for everyone until the data changes or the minute turns
    ("starts in 20 min", when=now): a search's answer, a public page."""
    return url, f"{version}@{now.strftime('%Y%m%d%H%M')}"


def data_version(session: Session) -> str:
    """Every insert and update takes a new change number (entries are never hard-deleted), so
    the highest one is the version: an index lookup, where count(*) read a million rows.

    Read at most once per `data_version_ttl_s` per process: a cached answer then costs no
    database round trip (an API search answered from memory went from 1,770 to 2,970 requests
    a second on two workers), and an edit shows within that second."""
    return _LAST_VERSION.get(session)


def fresh_version() -> str | None:
    """The version for answering from memory without the database, or None when the caller
    should go to the handler (which reads it): the last version read, while it is under
    `data_version_ttl_s` old; once it is older, the reading thread (keep_version_fresh) is
    woken to read the next while every caller goes on with the last for up to STALE_FOR_S
    more (when every request went to the handlers each second to read it, two workers' p99
    was 0.6–0.9 s; 4 ms without). No caller waits for the read: the one that was sent to a
    handler to read it, in a thread starved of the GIL by the event loop answering the rest
    from memory, took 0.14–1.5 s, about once every 4 s under load."""
    return _LAST_VERSION.for_answers()


STALE_FOR_S = 5.0


class _VersionMemo:
    def __init__(self) -> None:
        self.version = ""
        self.read_at = float("-inf")
        self.wanted = Event()  # wakes the reading thread: the version is older than its ttl
        self.lock = Lock()

    def for_answers(self) -> str | None:
        ttl = get_settings().data_version_ttl_s
        with self.lock:
            age = time.monotonic() - self.read_at
            if ttl <= 0 or age >= ttl + STALE_FOR_S:
                return None
            if age >= ttl:
                self.wanted.set()
            return self.version

    def get(self, session: Session) -> str:
        ttl = get_settings().data_version_ttl_s
        now = time.monotonic()
        with self.lock:
            if ttl > 0 and now - self.read_at < ttl:
                return self.version
        return self.read(session)

    def read(self, reader: Session | Connection) -> str:
        """Read the version now (as of when the read began)."""
        began = time.monotonic()
        row = reader.execute(VERSION).one()
        with self.lock:
            self.version, self.read_at = f"{row[0]}-{row[1]}", began
            return self.version


VERSION = text("SELECT coalesce(max(change_seq), 0), coalesce(max(id), 0) FROM asset")
_LAST_VERSION = _VersionMemo()
FEEDS = FeedCache()


def keep_version_fresh(engine: Engine) -> Callable[[], None]:
    """Read the data version on a thread of its own every half `data_version_ttl_s`, so that
    answers from memory never wait for a request to read it; returns what stops the thread.

    A request sent to read it went through a handler thread, which under load waits for the
    GIL behind the event loop answering from memory: 0.3-0.7 s for a 0.1 ms query, and when
    that passed the staleness limit every request went to the handlers (two workers: p95
    0.9 s, p99 4.1 s). A thread that only reads needs the GIL a few times a read. When it is
    late, answers go on with the last version (and wake it) for up to STALE_FOR_S; past that,
    or with the database away, requests go to the handlers, which read it themselves."""
    ttl = get_settings().data_version_ttl_s
    stop = Event()
    if ttl <= 0:
        return stop.set

    def run() -> None:
        failing = False
        while not stop.is_set():
            try:
                with engine.connect() as connection:
                    _LAST_VERSION.read(connection)
                failing = False
            except Exception:  # the database away: requests read it (or fail) themselves
                if not failing:  # once per outage, not twice a second
                    LOG.warning("data version not read", exc_info=True)
                failing = True
            if failing:
                stop.wait(ttl / 2)  # not sooner when answers ask: the database is away
            else:
                _LAST_VERSION.wanted.wait(ttl / 2)  # or sooner, when answers find it old
            _LAST_VERSION.wanted.clear()

    thread = Thread(target=run, name="data-version", daemon=True)
    thread.start()

    def stop_it() -> None:
        stop.set()
        _LAST_VERSION.wanted.set()
        thread.join(timeout=5)

    return stop_it
