"""HTTP behaviour shared by the API and feeds: ETag/Last-Modified with 304, Cache-Control,
and a per-client rate limit (429 with Retry-After). CORS is Starlette's middleware."""

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core.config import get_settings
from app.core.ratelimit import RateLimiter

MACHINE_PATHS = ("/api/", "/feeds/", "/hsds")


def is_machine_path(path: str) -> bool:
    return path.startswith(MACHINE_PATHS)


class FeedHTTPMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: object, limiter: RateLimiter | None = None) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        settings = get_settings()
        self.limiter = limiter or RateLimiter(limit=settings.api_rate_limit_per_minute, window_s=60)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if not is_machine_path(request.url.path) or request.method not in ("GET", "HEAD"):
            return await call_next(request)
        client = request.client.host if request.client else "unknown"
        wait = self.limiter.retry_after(client)
        if wait:
            return JSONResponse(
                {"detail": f"too many requests; try again in {wait} seconds"},
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        response = await call_next(request)
        if response.status_code != 200:
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = dict(response.headers)
        headers["etag"] = etag  # Starlette's header keys are lower case
        headers.setdefault("cache-control", f"public, max-age={get_settings().feed_max_age_s}")
        if _not_modified(request, etag, headers.get("last-modified")):
            keep = {
                k: v
                for k, v in headers.items()
                if k.lower() not in ("content-length", "content-type")
            }
            return Response(status_code=304, headers=keep)
        headers.pop("content-length", None)
        return Response(body, status_code=200, headers=headers, media_type=response.media_type)


def _not_modified(request: Request, etag: str, last_modified: str | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return (
            etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            or if_none_match.strip() == "*"
        )
    since = request.headers.get("if-modified-since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)
