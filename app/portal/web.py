"""HTTP plumbing shared by the portal's pages and API: language, cookies, security headers, CSRF, page responses."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.config import PortalConfig, Settings
from app.i18n import SUPPORTED_LANGUAGES, negotiate_language
from app.portal.rendering import render

SESSION_COOKIE = "portal_session"
CSRF_COOKIE = "portal_csrf"
LANGUAGE_COOKIE = "portal_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
ONE_YEAR = 365 * 24 * 3600

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def portal_settings(request: Request) -> PortalConfig:
    portal: PortalConfig = request.app.state.settings.portal
    return portal


def language_of(request: Request) -> str:
    """The visitor's language: an explicit `lang` query, the remembered choice, then `Accept-Language`."""
    asked = request.query_params.get("lang")
    if asked in SUPPORTED_LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in SUPPORTED_LANGUAGES:
        return remembered
    return negotiate_language(request.headers.get("accept-language"))


def secure_cookies(settings: Settings) -> bool:
    return settings.environment not in ("development", "test")


def security_headers(response: Response, settings: Settings) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    response.headers["Cache-Control"] = "no-store"
    if settings.is_production:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def page(
    request: Request,
    settings: Settings,
    template: str,
    *,
    language: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a portal page with the common context (current path for the language links, the CSRF token)."""
    body = render(
        template,
        language,
        current_path=safe_next(request.url.path),
        portal=portal_settings(request),
        **context,
    )
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    return security_headers(response, settings)  # type: ignore[return-value]


def safe_next(target: str | None, default: str = "/portal") -> str:
    """Only a path on the portal itself: never another host (open redirect) or a scheme-relative URL."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/portal") or "\\" in target or "//" in parts.path:
        return default
    return parts.path


def set_session_cookie(response: Response, settings: Settings, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="strict", secure=secure_cookies(settings), path="/"
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookies(settings))


def anonymous_csrf_binding(request: Request) -> tuple[str, bool]:
    """The anonymous CSRF cookie value (and whether it is new and must be set on the response)."""
    current = request.cookies.get(CSRF_COOKIE)
    if current and 16 <= len(current) <= 128:
        return current, False
    return secrets.token_urlsafe(24), True


def set_csrf_cookie(response: Response, settings: Settings, value: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, value, httponly=True, samesite="strict", secure=secure_cookies(settings), path="/portal"
    )


def set_language_cookie(response: Response, settings: Settings, language: str) -> None:
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=ONE_YEAR, httponly=True, samesite="lax", secure=secure_cookies(settings)
    )
