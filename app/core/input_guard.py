"""Refuse input no page or feed can use before it reaches any handler: NUL bytes (PostgreSQL
text cannot hold them), over-long query strings, and bodies over the size limit."""

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import Scope

from app.core.asgi import AnswerEarlyMiddleware

MAX_QUERY_BYTES = 8 * 1024
MAX_BODY_BYTES = 1024 * 1024


class InputGuardMiddleware(AnswerEarlyMiddleware):
    """The request is refused before anything reads it."""

    def early(self, scope: Scope) -> Response | None:
        return _refusal(scope)


def _refusal(scope: Scope) -> Response | None:
    raw_query: bytes = scope.get("query_string", b"")
    if len(raw_query) > MAX_QUERY_BYTES:
        return PlainTextResponse("The web address is too long.", status_code=414)
    # A query's names and values hold a NUL only where it is sent as one or as %00 (what
    # decodes to it): looked for in the bytes, not by splitting the query for every request.
    if "\x00" in scope["path"] or b"\x00" in raw_query or b"%00" in raw_query:
        return PlainTextResponse(
            "The request contains a null character; remove it and try again.", status_code=422
        )
    length = Headers(scope=scope).get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return PlainTextResponse("That is more than we accept (1 MB).", status_code=413)
    return None
