"""Security headers on every response. No inline script or style anywhere, so the CSP needs no
'unsafe-inline'; only /embed may be framed by other sites."""

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from app.core.asgi import HTTPMiddleware
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


class SecurityHeadersMiddleware(HTTPMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        frameable = path.startswith(FRAMEABLE) and not path.startswith("/embed.js")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault(
                    "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
                )
                if not frameable:
                    headers.setdefault("X-Frame-Options", "DENY")
                if not path.startswith(NO_CSP):
                    headers.setdefault(
                        "Content-Security-Policy", content_security_policy(frameable=frameable)
                    )
                if get_settings().secure_cookies:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
