"""The importer plug-in interface: a Source turns a payload into records with external ids.

Every record becomes an AssetCreate, so imports go through the same validation and the same
service upsert (and history) as the forms."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from app.core.errors import DomainError

DEFAULT_TIMEOUT_S = 20.0
MAX_PAYLOAD_BYTES = 50 * 1024 * 1024


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
class SourceOptions:
    name: str  # also the `source` recorded on every entry it brings
    fellowship: str | None = None  # Meeting Guide feeds do not say which fellowship
    extra: dict[str, str] = field(default_factory=dict)


class Source(Protocol):
    type: str

    def records(self, payload: bytes, options: SourceOptions) -> Iterator[ImportRecord]: ...


def fetch(location: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> bytes:
    """A URL (with a timeout) or a local file; a clear SourceError otherwise."""
    if location.startswith(("http://", "https://")):
        try:
            response = httpx.get(location, timeout=timeout_s, follow_redirects=True)
        except httpx.TimeoutException as exc:
            raise SourceError(f"{location} did not answer within {timeout_s:g} seconds") from exc
        except httpx.HTTPError as exc:
            raise SourceError(f"could not fetch {location}: {exc}") from exc
        if response.status_code != 200:
            raise SourceError(f"{location} answered {response.status_code}")
        payload = response.content
    else:
        path = Path(location)
        if not path.is_file():
            raise SourceError(f"no such file: {location}")
        payload = path.read_bytes()
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise SourceError(f"{location} is larger than {MAX_PAYLOAD_BYTES // 1024 // 1024} MB")
    return payload
