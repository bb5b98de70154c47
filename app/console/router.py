"""The console's routes in one router (each screen group is its own module) and its HTML error pages.

Adding a screen: see `docs/console.md`.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from app.console import account, admin, auditing, cases, casework, inbox, intake, landing, supervision
from app.console.web import FormRejected

router = APIRouter()
for module in (landing, account, supervision, intake, inbox, casework, cases, auditing, admin):
    router.include_router(module.router)


def install(app: FastAPI) -> None:
    """What the console needs from the application besides its routes: the handler for rejected forms."""

    async def rejected(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, FormRejected)
        return exc.response

    app.add_exception_handler(FormRejected, rejected)
