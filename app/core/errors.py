"""Typed domain errors, mapped to HTTP responses in one place."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return JSONResponse(error_body(exc), status_code=exc.status_code)
