"""Route guards. Every route declares `require(Permission.X)`, `authenticated()` or `public()`; a test enforces it.

The caller's user row is read on every request, so deactivating a user or changing their roles takes effect on
their very next request, whatever tokens they still hold.
"""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import select

from app.audit import record
from app.audit.service import Actor
from app.auth import tokens
from app.auth.models import AuthSession
from app.auth.permissions import Permission, permissions_for
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep, SettingsDep
from app.errors import Forbidden, Unauthorized
from app.staff.models import StaffUser
from app.transaction import keep_when_refused

log = logging.getLogger("app.auth")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def get_staff_principal(request: Request, session: SessionDep, settings: SettingsDep) -> StaffPrincipal:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Sign in to continue.")
    try:
        claims = tokens.decode(settings, token, expected_type="access")
        user_id, session_id = uuid.UUID(claims.sub), uuid.UUID(claims.sid or "")
    except (tokens.InvalidToken, ValueError) as exc:
        log.info("access token rejected", extra={"reason": str(exc)})
        raise Unauthorized("The access token is not valid.") from exc
    row = session.execute(
        select(StaffUser, AuthSession)
        .join(AuthSession, AuthSession.user_id == StaffUser.id)
        .where(StaffUser.id == user_id, AuthSession.id == session_id)
    ).first()
    if row is None:
        raise Unauthorized("The access token is not valid.")
    user, auth_session = row
    if not user.is_active or auth_session.revoked_at is not None:
        raise Unauthorized("The session has ended. Sign in again.")
    roles = tuple(sorted(user.roles))
    return StaffPrincipal(user.id, user.username, roles, permissions_for(roles), auth_session.id)


StaffDep = Annotated[StaffPrincipal, Depends(get_staff_principal)]


def require(permission: Permission) -> Any:
    """Depend on this to allow only staff whose roles grant `permission`; denials are audited."""

    def guard(request: Request, principal: StaffDep, session: SessionDep) -> StaffPrincipal:
        if principal.can(permission):
            return principal
        record(
            session,
            actor=principal.actor,
            action="auth.access_denied",
            target_type="route",
            # The route template, not the concrete path: bounded in length, and free of identifiers.
            target_id=f"{request.method} {getattr(request.scope.get('route'), 'path', request.url.path)}"[:80],
            details={"permission": permission.value},
        )
        # Nothing else has happened in this transaction yet: keep the denial, then refuse.
        keep_when_refused(session)
        raise Forbidden(f"Your role does not allow this ({permission.value}).")

    guard.__permission__ = permission  # type: ignore[attr-defined]
    return Depends(guard)


def authenticated() -> Any:
    """Any signed-in member of staff, whatever their roles (sign-out, own profile)."""

    def guard(principal: StaffDep) -> StaffPrincipal:
        return principal

    guard.__permission__ = "authenticated"  # type: ignore[attr-defined]
    return Depends(guard)


def public() -> Any:
    """Marks a route as deliberately open to anyone (health checks, sign-in)."""

    def guard() -> None:
        return None

    guard.__public__ = True  # type: ignore[attr-defined]
    return Depends(guard)


def staff_actor(principal: StaffPrincipal) -> Actor:
    return principal.actor
