"""Security headers on every response. No inline script or style anywhere, so the CSP needs no
'unsafe-inline'; only /embed may be framed by other sites."""

from urllib.parse import urlsplit

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from app.core.config import get_settings

FRAMEABLE = ("/embed",)
NO_CSP = ("/docs", "/redoc")  # FastAPI's own API explorer pages


def content_security_policy(*, frameable: bool) -> str:
    tiles = urlsplit(get_settings().map_tiles_url)
    tile_origin = f"{tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {tile_origin}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors " + ("*" if frameable else "'none'"),
        ]
    )


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        path = request.url.path
        frameable = path.startswith(FRAMEABLE) and not path.startswith("/embed.js")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
        )
        if not frameable:
            response.headers.setdefault("X-Frame-Options", "DENY")
        if not path.startswith(NO_CSP):
            response.headers.setdefault(
                "Content-Security-Policy", content_security_policy(frameable=frameable)
            )
        if get_settings().secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
