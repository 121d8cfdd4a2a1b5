"""Public pages kept in memory by URL, data version and minute, sent with an ETag: the home
page, a town's page and its print view, the search page and what's on.

A town's page lists everything in it: at a million entries Oldbury's 3,070 entries took
1.6-1.9 s to search, present and render (1.5 MB), for every visitor. A search page shared on
a poster or a partner's site was searched and rendered again for each phone: 249 pages a
second on two workers, where the API's answers from memory (app.assets.answers) gave 5,764.
These pages are the same for everyone (no account, no per-visit token) until the data or the
minute changes ("starts in 20 min"), so the first visitor's is kept under the key the API's
answers use and sent to the rest, compressed once, and a browser that has it gets a 304. A
page that records each visit (a search that found nothing: app.mapping.demand) is not kept.
With `data_version_ttl_s` 0 (the tests' setting) nothing is kept, as app.core.recent reads
again."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from app.core.config import get_settings
from app.core.time import local_now
from app.feeds.cache import (
    MINUTE_KEYED_S,
    FeedCache,
    data_version,
    kept_response,
    minute_key,
)

# Bounded by bytes (`page_cache_mb`): a search page is ~28 KB, a town's at a million entries
# up to 1.5 MB, and a crawler walking every town's would otherwise keep 256 of them.
PAGES = FeedCache(
    max_entries=256, max_bytes=get_settings().page_cache_mb << 20, kept_for_s=MINUTE_KEYED_S
)


@dataclass(frozen=True)
class Built:
    response: Response  # rendered (a template response's body is made when it is created)
    keep: bool = True  # False: this visit did something of its own (recorded a demand)


def page_key(request: Request, session: Session, now: datetime) -> tuple[str, str] | None:
    """What the request is answered with in `now`'s minute is kept under: its URL, the data
    version and the minute (minute_key); None with `data_version_ttl_s` 0 (the tests' setting),
    when nothing is kept, as app.core.recent reads every time."""
    if get_settings().data_version_ttl_s <= 0:
        return None
    return minute_key(str(request.url), data_version(session), now)


def kept_page(request: Request, session: Session, build: Callable[[datetime], Built]) -> Response:
    """The page for this URL this minute: kept, or `build(now)` (now: this minute) and kept
    if it says so. Requests that miss while one builds it have last minute's page, or without
    one wait for that build."""
    now = local_now().replace(second=0, microsecond=0)
    key = page_key(request, session, now)
    if key is None:
        return build(now).response
    built: Built | None = None

    def render() -> tuple[bytes, str]:
        nonlocal built
        built = build(now)
        return bytes(built.response.body), built.response.media_type or "text/html"

    page = PAGES.get(key)
    if page is None:
        # While one request builds this minute's page, the rest have last minute's: Oldbury's
        # took 1.7 s to build, and every request waiting for it put two workers' p99 at 0.4-1.2 s.
        last_key = page_key(request, session, now - timedelta(minutes=1))
        last = PAGES.get(last_key) if last_key is not None else None
        if last is not None and not PAGES.claim(key):
            return kept_response(request.headers, last)
        page = PAGES.get_or_build(key, render, keep=lambda: built is not None and built.keep)
    if built is not None and not built.keep:
        return built.response
    return kept_response(request.headers, page)
