"""HTTP behaviour shared by the API and feeds: ETag/Last-Modified with 304, Cache-Control,
and a per-client rate limit (429 with Retry-After). CORS is Starlette's middleware."""

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.asgi import HTTPMiddleware
from app.core.config import get_settings
from app.core.ratelimit import RateLimiter

MACHINE_PATHS = ("/api/", "/feeds/", "/hsds")


def is_machine_path(path: str) -> bool:
    return path.startswith(MACHINE_PATHS)


class FeedHTTPMiddleware(HTTPMiddleware):
    """A machine path's 200 is held until complete, then sent with its ETag (or as a 304 when
    the client has it); every other response passes straight through."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter | None = None) -> None:
        super().__init__(app)
        settings = get_settings()
        self.limiter = limiter or RateLimiter(limit=settings.api_rate_limit_per_minute, window_s=60)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_machine_path(scope["path"]) or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.limiter.retry_after(client)
        if wait:
            too_many = JSONResponse(
                {"detail": f"too many requests; try again in {wait} seconds"},
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
            await too_many(scope, receive, send)
            return
        start: Message = {}
        body: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if message["status"] != 200:
                    await send(message)
            elif start.get("status") != 200:
                await send(message)
            else:
                body.append(message.get("body", b""))

        await self.app(scope, receive, hold)
        if start.get("status") == 200:
            await _with_etag(scope, start, b"".join(body), send)


def etag_of(content: bytes) -> str:
    """A strong ETag for `content`: its SHA-256, quoted (feeds by their bytes, PDFs by the
    HTML laid out: app.printing.laid_out)."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


async def _with_etag(scope: Scope, start: Message, body: bytes, send: Send) -> None:
    headers = MutableHeaders(scope=start)
    # A kept answer or feed carries the ETag worked out when it was kept (app.feeds.cache).
    etag = headers.get("etag") or etag_of(body)
    headers["etag"] = etag
    headers.setdefault("cache-control", f"public, max-age={get_settings().feed_max_age_s}")
    if not_modified(Headers(scope=scope), etag, headers.get("last-modified")):
        del headers["content-length"]  # (deleting an absent header is a no-op)
        del headers["content-type"]
        await send({**start, "status": 304})
        await send({"type": "http.response.body", "body": b""})
        return
    if scope["method"] == "GET":  # a HEAD response keeps the length of the body it omits
        headers["content-length"] = str(len(body))
    await send(start)
    await send({"type": "http.response.body", "body": body})


def not_modified(request: Headers, etag: str, last_modified: str | None) -> bool:
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        return (
            etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            or if_none_match.strip() == "*"
        )
    since = request.get("if-modified-since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)
