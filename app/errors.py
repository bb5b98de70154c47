"""Domain errors and the one renderer that turns every error into RFC 9457 problem details.

Services raise `DomainError` subclasses that carry their HTTP status; routers never build error responses by hand.
Unexpected exceptions become a generic 500 that names only the request id: no stack trace or SQL reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.context import request_id_var
from app.database_errors import retry_after_seconds, transient_kind

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("app.errors")


class DomainError(Exception):
    """An error the client can act on. `code` is stable and becomes the problem `type`."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra


class NotFound(DomainError):
    status, code, title = 404, "not-found", "Not found"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Not allowed"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidTransition(Conflict):
    code, title = "invalid-transition", "Transition not allowed"


class PreconditionFailed(DomainError):
    status, code, title = 412, "precondition-failed", "The resource was changed by someone else"


class PreconditionRequired(DomainError):
    status, code, title = 428, "precondition-required", "If-Match header required"


class Unprocessable(DomainError):
    """Semantically invalid input. `errors` lists `{"pointer": "#/field", "detail": "..."}` entries."""

    status, code, title = 422, "validation-error", "The request is not valid"

    def __init__(self, detail: str | None = None, *, errors: Sequence[dict[str, str]] = (), **extra: Any) -> None:
        super().__init__(detail, errors=list(errors), **extra)

    @classmethod
    def field(cls, pointer: str, detail: str) -> Unprocessable:
        return cls(detail, errors=[{"pointer": pointer, "detail": detail}])


class TooManyRequests(DomainError):
    status, code, title = 429, "too-many-requests", "Too many attempts"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


def problem(
    status: int, code: str, title: str, detail: str, instance: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "request_id": request_id_var.get(),
    }
    if extra:
        body.update(extra)
    return body


HtmlErrorRenderer = Callable[[Request, int, str, dict[str, str]], Response]
"""`renderer(request, status, code, headers)`: an HTML error page in the visitor's language."""


def _response(request: Request, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    path = request.url.path
    pages: Mapping[str, HtmlErrorRenderer] = getattr(request.app.state, "html_error_pages", {})
    for prefix, renderer in pages.items():
        if path == prefix or path.startswith(prefix + "/"):
            return renderer(request, body["status"], body["type"].rsplit("/", 1)[-1], dict(headers or {}))
    return JSONResponse(body, status_code=body["status"], headers=headers, media_type=PROBLEM_JSON)


def _pointer(loc: Sequence[str | int]) -> dict[str, str]:
    """Map a pydantic error location to an RFC 9457 style pointer (`#/a/0/b`) or a parameter/header name."""
    where, *path = loc if loc else ("body",)
    if where == "body":
        return {"pointer": "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)}
    if where == "header":
        return {"header": str(path[0]) if path else ""}
    return {"parameter": str(path[0]) if path else str(where)}


def validation_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    out = []
    for err in errors:
        entry = _pointer(tuple(err.get("loc", ())))
        # The message only, never the rejected input: it may be a password or a phone number.
        entry["detail"] = str(err.get("msg", "invalid value"))
        out.append(entry)
    return out


INTERNAL_ERROR_DETAIL = "Something went wrong on our side. Quote the request id when you contact support."
_TRANSIENT_DETAIL = {
    "unavailable": "The service cannot reach its database at the moment. Try again in a few seconds.",
    "conflict": "Another change got in the way; nothing was saved. Send the same request again.",
}


def failure_problem(exc: BaseException, instance: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The problem body and headers for an unexpected exception: `503` with `Retry-After` for a transient database
    failure (clients retry), `500` for anything else (a bug). Logs it either way, without its message."""
    kind = transient_kind(exc)
    if kind is None:
        log.error("unhandled error", exc_info=exc)
        return problem(500, "internal-error", "Internal error", INTERNAL_ERROR_DETAIL, instance), {}
    log.warning("database %s", kind, exc_info=exc)
    body = problem(503, "temporarily-unavailable", "Temporarily unavailable", _TRANSIENT_DETAIL[kind], instance)
    return body, {"Retry-After": str(retry_after_seconds(exc))}


def install_error_handlers(app: FastAPI, html_pages: Mapping[str, HtmlErrorRenderer] | None = None) -> None:
    """Problem details for every error; requests under a prefix of `html_pages` (the portal's and the console's
    pages) get that renderer's HTML page instead. Registered per application, never as a side effect of an import."""
    app.state.html_error_pages = dict(html_pages or {})

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        body = problem(exc.status, exc.code, exc.title, exc.detail, request.url.path, exc.extra)
        return _response(request, body, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        body = problem(
            422,
            "validation-error",
            "The request is not valid",
            "One or more fields are invalid.",
            request.url.path,
            {"errors": validation_errors(exc.errors())},
        )
        return _response(request, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 403: "forbidden"}.get(
            exc.status_code, "http-error"
        )
        title = str(exc.detail) if isinstance(exc.detail, str) else "Error"
        body = problem(exc.status_code, code, title, title, request.url.path)
        return _response(request, body, dict(exc.headers or {}))

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> Response:
        body, headers = failure_problem(exc, request.url.path)
        return _response(request, body, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        body, headers = failure_problem(exc, request.url.path)
        return _response(request, body, headers)
