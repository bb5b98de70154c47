"""HTTP plumbing of the console: cookies, CSRF, security headers, page responses, redirects.

The mechanisms are the portal's (HMAC form tokens bound to the session, the same security headers, the same Jinja2
environment); the console differs in its cookie names and paths, in allowing its own scripts (htmx and
`console.js`, both served from `/static`), and in answering htmx requests with fragments.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.config import ConsoleConfig, Settings
from app.console import nav
from app.console.rendering import render, zone_label
from app.console.sessions import StaffContext
from app.db import utcnow
from app.i18n import SUPPORTED_LANGUAGES
from app.portal import sessions as portal_sessions
from app.portal.web import secure_cookies, security_headers

SESSION_COOKIE = "staff_session"
CSRF_COOKIE = "staff_csrf"
LANGUAGE_COOKIE = "staff_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
ONE_YEAR = 365 * 24 * 3600

CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class FormRejected(Exception):
    """Raise with the page to show (the form again, filled, with its errors) when a form's change must not stand:
    the request's transaction is rolled back like any failed request (nothing half-done is kept, no idempotency
    claim, no audit of what did not happen), then `response` is sent."""

    def __init__(self, response: Response) -> None:
        super().__init__("form rejected")
        self.response = response


def console_settings(request: Request) -> ConsoleConfig:
    config: ConsoleConfig = request.app.state.settings.console
    return config


def headers(response: Response, settings: Settings) -> Response:
    security_headers(response, settings)
    response.headers["Content-Security-Policy"] = CONSOLE_CSP
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


def is_htmx(request: Request) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def anonymous_language(request: Request) -> str:
    """Before sign-in: an explicit `lang`, the remembered choice, else the console default (Ukrainian)."""
    asked = request.query_params.get("lang")
    if asked in SUPPORTED_LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in SUPPORTED_LANGUAGES:
        return remembered
    return console_settings(request).default_language


def csrf_token(settings: Settings, staff: StaffContext) -> str:
    return portal_sessions.csrf_token(settings, f"staff:{staff.console_session_id}")


def csrf_valid(settings: Settings, staff: StaffContext, supplied: str | None) -> bool:
    return portal_sessions.csrf_valid(settings, f"staff:{staff.console_session_id}", supplied)


def anonymous_binding(request: Request) -> tuple[str, bool]:
    """The anonymous CSRF cookie's value (and whether it is new and must be set on the response)."""
    current = request.cookies.get(CSRF_COOKIE)
    if current and 16 <= len(current) <= 128:
        return current, False
    return secrets.token_urlsafe(24), True


def anonymous_csrf_token(settings: Settings, binding: str) -> str:
    return portal_sessions.csrf_token(settings, "staff-anon:" + binding)


def anonymous_csrf_valid(request: Request, settings: Settings, supplied: str | None) -> bool:
    binding = request.cookies.get(CSRF_COOKIE)
    return portal_sessions.csrf_valid(settings, "staff-anon:" + binding if binding else None, supplied)


def safe_next(target: str | None, default: str = "/staff") -> str:
    """Only a path in the console itself: never another host (open redirect) or a scheme-relative URL."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff") or "\\" in target or "//" in parts.path:
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page(
    request: Request,
    settings: Settings,
    template: str,
    staff: StaffContext,
    *,
    active: str | None = None,
    status_code: int = 200,
    response_headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A console page (or, for an htmx request, the same template: fragments check `htmx` themselves)."""
    now = utcnow()
    body = render(
        template,
        staff.language,
        staff.time_zone,
        staff=staff,
        nav=nav.visible(staff.principal.permissions),
        active=active,
        csrf_token=csrf_token(settings, staff),
        zone=zone_label(staff.time_zone, staff.language, now),
        current_path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        htmx=is_htmx(request),
        **context,
    )
    return headers(HTMLResponse(body, status_code=status_code, headers=response_headers), settings)  # type: ignore[return-value]


def anonymous_page(
    request: Request, settings: Settings, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page for someone not signed in (the sign-in form), with the anonymous CSRF token."""
    binding, fresh = anonymous_binding(request)
    language = anonymous_language(request)
    config = console_settings(request)
    body = render(
        template,
        language,
        config.default_time_zone,
        staff=None,
        nav=[],
        active=None,
        csrf_token=anonymous_csrf_token(settings, binding),
        zone=zone_label(config.default_time_zone, language, utcnow()),
        current_path=request.url.path,
        htmx=False,
        **context,
    )
    response = headers(HTMLResponse(body, status_code=status_code), settings)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE, binding, httponly=True, samesite="strict", secure=secure_cookies(settings), path="/staff"
        )
    return response  # type: ignore[return-value]


def redirect(request: Request, url: str, settings: Settings) -> Response:
    """303 to `url`; for htmx, `HX-Redirect` so the whole page changes rather than a fragment."""
    if is_htmx(request):
        return headers(Response(status_code=200, headers={"HX-Redirect": url}), settings)
    return headers(RedirectResponse(url, status_code=303), settings)


def set_session_cookie(response: Response, settings: Settings, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="strict", secure=secure_cookies(settings), path="/staff"
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/staff", httponly=True, samesite="strict", secure=secure_cookies(settings)
    )


def set_language_cookie(response: Response, settings: Settings, language: str) -> None:
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(settings),
        path="/staff",
    )
