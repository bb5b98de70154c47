"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app.auth.dependencies import public
from app.database_errors import transient_kind
from app.migrations import current_revisions, head_revisions

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[public()])
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[public()], responses={503: {"description": "Not ready"}})
def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is at the migrations' head."""
    try:
        with request.app.state.engine.connect() as connection:
            current = current_revisions(connection)
    except SQLAlchemyError as exc:
        state = "unreachable" if transient_kind(exc) == "unavailable" else "error"
        return JSONResponse({"status": "unavailable", "database": state}, status_code=503)
    heads = head_revisions()
    if current != heads:
        return JSONResponse({"status": "unavailable", "database": "migrations pending"}, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok", "revision": sorted(current)})
