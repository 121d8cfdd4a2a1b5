"""Refuse input no page or feed can use before it reaches any handler: NUL bytes (PostgreSQL
text cannot hold them), over-long query strings, and bodies over the size limit."""

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

MAX_QUERY_BYTES = 8 * 1024
MAX_BODY_BYTES = 1024 * 1024


class InputGuardMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        raw_query = request.scope.get("query_string", b"")
        if len(raw_query) > MAX_QUERY_BYTES:
            return PlainTextResponse("The web address is too long.", status_code=414)
        if "\x00" in request.url.path or any(
            "\x00" in k or "\x00" in v for k, v in request.query_params.multi_items()
        ):
            return PlainTextResponse(
                "The request contains a null character; remove it and try again.", status_code=422
            )
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return PlainTextResponse("That is more than we accept (1 MB).", status_code=413)
        return await call_next(request)
