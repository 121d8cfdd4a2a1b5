"""Reading a JSON list of records one at a time (ijson), so memory stays flat however large
the feed: a top-level array, or an object holding the array under a key (and, for paginated
feeds, a `next` URL to follow)."""

from collections.abc import Iterator
from typing import Any

import ijson

from scrapers.base import Payload, SourceError, SourceOptions

BOM = b"\xef\xbb\xbf"


def _start(payload: Payload) -> tuple[int, bytes]:
    """Where the JSON starts (after a byte order mark) and its first character."""
    start = 3 if payload.read(3) == BOM else 0
    payload.seek(start)
    byte = payload.read(1)
    while byte and byte.isspace():
        byte = payload.read(1)
    payload.seek(start)
    return start, byte


def _has_array(payload: Payload, key: str) -> bool:
    return any((prefix, event) == (key, "start_array") for prefix, event, _ in ijson.parse(payload))


def stream_array(
    payload: Payload, key: str, *, options: SourceOptions | None = None
) -> Iterator[Any]:
    shape = f'a JSON array, or an object with a "{key}" array'
    while True:
        start, first = _start(payload)
        if first not in (b"[", b"{"):
            raise SourceError(f"not JSON: expected {shape}")
        try:
            found = 0
            for row in ijson.items(
                payload, "item" if first == b"[" else f"{key}.item", use_float=True
            ):
                found += 1
                yield row
            if first == b"[":
                return
            payload.seek(start)
            if not found and not _has_array(payload, key):
                raise SourceError(f"expected {shape}")
            payload.seek(start)
            following = next(ijson.items(payload, "next"), None) if options else None
        except ijson.JSONError as exc:
            raise SourceError(f"not valid JSON: {exc}") from exc
        if not isinstance(following, str) or not following or options is None:
            return
        payload = options.more(following)
