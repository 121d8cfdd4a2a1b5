"""PDFs remembered by the HTML they were laid out from.

Laying out is most of a PDF's time: at 10,000 entries in the borough Oldbury's listing took
~1 s to gather and write as HTML and ~28 s to lay out, and every request laid it out again —
ten people opening it at once meant five rounds of two layouts. A PDF is kept under the hash
of its HTML, so it is the same bytes a new layout would give, whoever asked and whatever
changed since (an edit, a new day, a different filter all make different HTML): nothing to
invalidate and nothing one person's PDF could show another. Requests for a PDF being laid
out wait for that layout rather than starting their own, and a layout carries on when the
request that started it goes away (the next one will want it).

Working out the HTML is the rest, and the hash needs it: at 10,000 entries West Bromwich's
PDF, kept, still took 2.2 s (a 304 1.9 s) to gather and write the HTML again. Each URL's last
HTML hash is noted with its data version and minute (app.feeds.cache.minute_key): asked again
within them, the PDF kept under it is sent without the HTML."""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from threading import Lock

from app.feeds.http import etag_of

Layout = Callable[[str], Awaitable[bytes]]
Key = tuple[str, str]  # a URL, and its data version and minute
NOTED_KEYS = 512


def html_etag(html: str) -> str:
    """The HTML's ETag (app.feeds.http.etag_of): its PDF's key."""
    return etag_of(html.encode())


class LaidOutPdfs:
    """PDFs by their HTML's hash, the least recently used dropped past `max_bytes`."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.layouts = 0  # layouts started (what the tests and the benchmark count)
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._pending: dict[str, asyncio.Task[bytes]] = {}
        self._noted: OrderedDict[Key, str] = OrderedDict()  # key → its HTML's hash
        # The app's requests share one event loop per worker; the lock is for tests and
        # scripts that run several loops in threads.
        self._lock = Lock()

    async def pdf(self, html: str, lay_out: Layout, etag: str | None = None) -> bytes:
        """The PDF of `html`: kept, being laid out, or laid out now by `lay_out` (`etag`: the
        HTML's, when the caller has it)."""
        etag = etag or html_etag(html)
        with self._lock:
            kept = self._kept.get(etag)
            if kept is not None:
                self._kept.move_to_end(etag)
                return kept
            task = self._pending.get(etag)
            if task is None or task.get_loop() is not asyncio.get_running_loop():
                task = asyncio.ensure_future(lay_out(html))
                task.add_done_callback(lambda done: self._settle(etag, done))
                self._pending[etag] = task
                self.layouts += 1
        # Shielded: a request that goes away leaves the layout running for the others.
        return await asyncio.shield(task)

    def note(self, key: Key, etag: str) -> None:
        """`etag` is the hash of the HTML made for `key`."""
        with self._lock:
            self._noted[key] = etag
            self._noted.move_to_end(key)
            while len(self._noted) > NOTED_KEYS:
                self._noted.popitem(last=False)

    def made_for(self, key: Key) -> tuple[str, bytes] | None:
        """The hash of the HTML made for `key` and its PDF, while that PDF is kept."""
        with self._lock:
            etag = self._noted.get(key)
            kept = self._kept.get(etag) if etag is not None else None
            if etag is None or kept is None:
                return None
            self._kept.move_to_end(etag)
            return etag, kept

    def _settle(self, etag: str, task: "asyncio.Task[bytes]") -> None:
        with self._lock:
            if self._pending.get(etag) is task:
                del self._pending[etag]
            if task.cancelled() or task.exception() is not None:
                return  # nothing kept: the next request lays it out again
            pdf = task.result()
            if len(pdf) > self.max_bytes or etag in self._kept:
                return
            self._kept[etag] = pdf
            self._bytes += len(pdf)
            while self._bytes > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped)

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._noted.clear()
            self._bytes = 0
