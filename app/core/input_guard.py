"""Refuse input no page or feed can use before it reaches any handler: NUL bytes (PostgreSQL
text cannot hold them), over-long query strings, and bodies over the size limit."""

from urllib.parse import parse_qsl

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
    query = parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True)
    if "\x00" in scope["path"] or any("\x00" in k or "\x00" in v for k, v in query):
        return PlainTextResponse(
            "The request contains a null character; remove it and try again.", status_code=422
        )
    length = Headers(scope=scope).get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return PlainTextResponse("That is more than we accept (1 MB).", status_code=413)
    return None
