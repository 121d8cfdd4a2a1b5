"""Typed domain errors, and every error mapped to a response in one place: JSON for the API and
feeds, a friendly HTML page for the site."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

MACHINE_PREFIXES = ("/api/", "/feeds/", "/hsds", "/openapi", "/healthz", "/readyz", "/docs")


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(DomainError):
    status_code = 404


class InvalidInputError(DomainError):
    """Input that parsed but makes no sense (an unknown postcode or town)."""

    status_code = 422


class ConflictError(DomainError):
    status_code = 409


def error_body(error: DomainError) -> dict[str, object]:
    if isinstance(error, InvalidInputError) and error.field:
        # Same shape as FastAPI's own validation errors, so clients parse one format.
        return {
            "detail": [{"loc": ["query", error.field], "msg": error.message, "type": "value_error"}]
        }
    return {"detail": error.message}


def wants_html(request: Request) -> bool:
    path = request.url.path
    return not (
        path.startswith(MACHINE_PREFIXES)
        or path.endswith((".ics", ".json", ".pdf", ".csv", ".txt"))
    )


TITLES = {
    403: ("Not allowed", "Your account cannot do that."),
    409: ("Someone else changed this", "Please reload and try again."),
    404: ("Page not found", "We could not find that page. It may have moved or been removed."),
    422: ("Please check the address", "Part of the web address is not in a form we understand."),
    503: (
        "Temporarily unavailable",
        "The directory is having a short break. Please try again in a minute.",
    ),
}


def html_error(request: Request, status: int, message: str | None = None) -> Response:
    from app.core.templating import templates

    title, default = TITLES.get(status, ("Something went wrong", "Please try again."))
    return templates().TemplateResponse(
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message or default},
        status_code=status,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if wants_html(request):
            if exc.status_code == 401:  # not signed in: off to the login page and back
                target = quote(
                    request.url.path + (f"?{request.url.query}" if request.url.query else "")
                )
                return RedirectResponse(f"/login?next={target}", status_code=303)
            return html_error(request, exc.status_code, exc.message[:1].upper() + exc.message[1:])
        return JSONResponse(error_body(exc), status_code=exc.status_code)

    @app.exception_handler(ValidationError)
    async def _invalid_model(request: Request, exc: Exception) -> Response:
        # Input that passed the route's checks but not a model built from it.
        assert isinstance(exc, ValidationError)
        if wants_html(request):
            return html_error(request, 422)
        detail = [
            {"loc": ["query", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if wants_html(request) and exc.status_code >= 400:
            return html_error(request, exc.status_code)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if wants_html(request):
            return html_error(request, 422)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A value the database cannot hold (an id past 2^31, say): the input's fault, not ours.
        message = "a value in the request is out of range"
        if wants_html(request):
            return html_error(request, 422, message[:1].upper() + message[1:] + ".")
        return JSONResponse({"detail": message}, status_code=422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: Exception) -> Response:
        # A lost connection is not the visitor's fault: say so, and let the pool recover.
        headers = {"Retry-After": "30"}
        if wants_html(request):
            response = html_error(request, 503)
            response.headers.update(headers)
            return response
        return JSONResponse(
            {"detail": "the database is unavailable; try again shortly"},
            status_code=503,
            headers=headers,
        )
