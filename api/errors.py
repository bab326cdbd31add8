"""One error shape everywhere: `{"detail": "…"}`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

log = logging.getLogger(__name__)


class ErrorResponse(BaseModel):
    detail: str = Field(examples=["name: must not contain control characters"])


class LookupFailed(Exception):
    """The one domain exception; subclasses carry their HTTP status."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadQuery(LookupFailed):
    status = 422


class NotFound(LookupFailed):
    status = 404


class NotReady(LookupFailed):
    status = 503


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LookupFailed)
    async def lookup_failed(_: Request, exc: LookupFailed) -> JSONResponse:
        # The subclass's own attribute, so a 503 never silently becomes a 500.
        return JSONResponse({"detail": exc.detail}, status_code=type(exc).status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def last_resort(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse({"detail": "internal error"}, status_code=500)


ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No such lender"},
    422: {"model": ErrorResponse, "description": "Bad input: the message says which parameter and why"},
    503: {"model": ErrorResponse, "description": "The matcher index is still loading"},
}
