"""Pure ASGI middleware: Starlette's BaseHTTPMiddleware cost a task and two memory streams per
request per layer, and under load those layers were most of a cached answer's time."""

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


class HTTPMiddleware:
    """`handle` sees each HTTP request; lifespan and other messages pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class AnswerEarlyMiddleware(HTTPMiddleware):
    """Sends `early(scope)`'s response when it gives one; otherwise the app answers."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self.early(scope)
        if answer is None:
            await self.app(scope, receive, send)
        else:
            await answer(scope, receive, send)

    def early(self, scope: Scope) -> Response | None:
        raise NotImplementedError
