"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.auth.dependencies import public
from app.migrations import head_revisions

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
            current = {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    heads = head_revisions()
    if current != heads:
        return JSONResponse({"status": "unavailable", "database": "migrations pending"}, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok", "revision": sorted(current)})
