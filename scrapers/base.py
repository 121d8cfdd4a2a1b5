"""The importer plug-in interface: a Source turns a payload into records with external ids.

Every record becomes an AssetCreate, so imports go through the same validation and the same
service upsert (and history) as the forms. Payloads are streamed to a spooled temporary file
(memory stays flat however large the feed) and parsers read from that file."""

import io
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import httpx

from app.core.errors import DomainError

DEFAULT_TIMEOUT_S = 20.0
MAX_PAYLOAD_BYTES = 50 * 1024 * 1024
IN_MEMORY_BYTES = 4 * 1024 * 1024  # larger payloads spill to a temporary file
RETRIES = 2  # after the first try, for timeouts, dropped connections and 5xx answers
BACKOFF_S = 0.5  # doubled after each failed try
USER_AGENT = "Waymark recovery directory importer (+https://waymark.example/about/partners)"

Payload = IO[bytes]


class SourceError(DomainError):
    """The source could not be read or is not what it should be; nothing was changed."""

    status_code = 422


@dataclass
class ImportRecord:
    external_id: str
    # AssetCreate fields; a venue may come without a point (placed from its postcode later).
    fields: dict[str, Any] | None  # None when the record could not be used
    problem: str | None = None


@dataclass
class Fetched:
    payload: Payload | None  # None when the source says it has not changed (304)
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceOptions:
    name: str  # also the `source` recorded on every entry it brings
    fellowship: str | None = None  # Meeting Guide feeds do not say which fellowship
    default_kind: str | None = None  # for sources that do not say what an entry is
    location: str | None = None  # where the first page came from (paging sources)
    # Fetches a further page (HSDS and paginated Meeting Guide feeds page through results).
    fetch_more: Callable[[str], Payload] | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def more(self, url: str) -> Payload:
        if self.fetch_more is None:
            raise SourceError(f"the feed continues at {url}, which cannot be fetched from a file")
        return self.fetch_more(url)


class Source(Protocol):
    type: str

    def records(self, payload: Payload, options: SourceOptions) -> Iterator[ImportRecord]: ...


def as_payload(data: bytes | Payload) -> Payload:
    return io.BytesIO(data) if isinstance(data, bytes) else data


def _spool(chunks: Iterator[bytes], location: str) -> Payload:
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - returned
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_PAYLOAD_BYTES:
            spool.close()
            limit = MAX_PAYLOAD_BYTES // 1024 // 1024
            raise SourceError(f"{location} is larger than {limit} MB; split it or ask us")
        spool.write(chunk)
    spool.seek(0)
    return spool


def _get(client: httpx.Client, url: str, headers: dict[str, str]) -> Fetched:
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 304:
            return Fetched(None, headers.get("If-None-Match"), headers.get("If-Modified-Since"))
        if response.status_code != 200:
            raise _Retry(f"{url} answered {response.status_code}", response.status_code >= 500)
        payload = _spool(response.iter_bytes(), url)
        return Fetched(payload, response.headers.get("ETag"), response.headers.get("Last-Modified"))


class _Retry(Exception):
    def __init__(self, message: str, again: bool) -> None:
        super().__init__(message)
        self.again = again


def fetch(
    location: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    etag: str | None = None,
    last_modified: str | None = None,
    retries: int = RETRIES,
) -> Fetched:
    """A URL (timeouts, retries with backoff, conditional GET, size limit) or a local file."""
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        if not path.is_file():
            raise SourceError(f"no such file: {location}")
        with path.open("rb") as handle:
            return Fetched(_spool(iter(lambda: handle.read(65536), b""), location))
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/calendar, text/csv, */*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    wait, problem = BACKOFF_S, ""
    with httpx.Client(timeout=timeout_s, follow_redirects=True) as client:
        for attempt in range(retries + 1):
            try:
                return _get(client, location, headers)
            except httpx.TimeoutException:
                problem = f"{location} did not answer within {timeout_s:g} seconds"
            except httpx.HTTPError as exc:
                problem = f"could not fetch {location}: {exc}"
            except _Retry as exc:
                if not exc.again:
                    raise SourceError(str(exc)) from exc
                problem = str(exc)
            if attempt < retries:
                time.sleep(wait)
                wait *= 2
    tries = retries + 1
    raise SourceError(f"{problem} (tried {tries} time{'s' if tries > 1 else ''})")


def fetch_page(url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> Payload:
    """A further page of a paged source (no validators: pages are always fetched)."""
    fetched = fetch(url, timeout_s=timeout_s)
    assert fetched.payload is not None
    return fetched.payload
