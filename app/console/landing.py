"""The landing page at `/`: families to the portal, staff to the console."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.auth.dependencies import public
from app.console.rendering import render, zone_label
from app.console.web import console_settings, headers
from app.db import utcnow
from app.deps import SettingsDep
from app.i18n import SUPPORTED_LANGUAGES, negotiate_language

router = APIRouter(tags=["console"], include_in_schema=False)


@router.get("/", dependencies=[public()])
def landing(request: Request, settings: SettingsDep) -> Response:
    """Two doors, in the visitor's language (a `lang` query, else the browser's)."""
    asked = request.query_params.get("lang")
    language = asked if asked in SUPPORTED_LANGUAGES else negotiate_language(request.headers.get("accept-language"))
    zone = console_settings(request).default_time_zone
    body = render(
        "console/landing.html",
        language,
        zone,
        staff=None,
        nav=[],
        active=None,
        csrf_token="",
        zone=zone_label(zone, language, utcnow()),
        current_path="/",
        htmx=False,
    )
    return headers(HTMLResponse(body), settings)
