"""Route guards for console pages, marked like `app.auth.dependencies` guards so the permission test sees them.

`staff_page(Permission.X)` resolves the console session cookie into a `StaffContext`, refuses roles without `X`
exactly as the API's `require(X)` does (403, audited), and checks the CSRF token (form field `csrf_token` or header
`X-CSRF-Token`, which htmx sends) on every unsafe request. Object scope stays with the domain services: an
out-of-scope case is a 404 there, as in the API.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from app.audit import record
from app.auth.permissions import Permission
from app.console import sessions
from app.console.sessions import StaffContext
from app.console.web import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, console_settings, csrf_valid
from app.deps import SessionDep, SettingsDep
from app.errors import Forbidden, Unauthorized
from app.transaction import keep_when_refused

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ConsoleSignInRequired(Unauthorized):
    code, title = "sign-in-required", "Sign in to the staff console"


class FormExpired(Forbidden):
    code, title = "form-expired", "The form has expired"


def optional_staff(request: Request, session: SessionDep) -> StaffContext | None:
    staff = sessions.resolve(session, console_settings(request), request.cookies.get(SESSION_COOKIE))
    if staff is not None:
        request.state.console_language = staff.language
    return staff


async def _check_csrf(request: Request, settings: Any, staff: StaffContext) -> None:
    if request.method in SAFE_METHODS:
        return
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not csrf_valid(settings, staff, supplied):
        raise FormExpired("The form has expired. Reload the page and try again.")


def staff_page(permission: Permission | None = None) -> Any:
    """Depend on this in every console route: a signed-in member of staff whose roles grant `permission` (any
    signed-in member of staff when None)."""

    async def guard(request: Request, session: SessionDep, settings: SettingsDep) -> StaffContext:
        staff = optional_staff(request, session)
        if staff is None:
            raise ConsoleSignInRequired("Your session has ended. Sign in again.")
        await _check_csrf(request, settings, staff)
        if permission is not None and not staff.principal.can(permission):
            record(
                session,
                actor=staff.principal.actor,
                action="auth.access_denied",
                target_type="route",
                target_id=f"{request.method} {getattr(request.scope.get('route'), 'path', request.url.path)}"[:80],
                details={"permission": permission.value},
            )
            keep_when_refused(session)
            raise Forbidden(f"Your role does not allow this ({permission.value}).")
        return staff

    guard.__permission__ = permission or "authenticated"  # type: ignore[attr-defined]
    return Depends(guard)
