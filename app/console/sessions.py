"""Server-side console sessions: a random cookie secret (only its SHA-256 stored) bound to a staff sign-in.

A session is valid while it has not been ended, its absolute lifetime (12 h) has not run out, it was used within the
idle timeout (30 min), its `AuthSession` has not been revoked and its user is still active. The user row is read on
every request, so a change of roles or a deactivation takes effect at once, as in the API.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import AuthSession
from app.auth.permissions import permissions_for
from app.auth.principals import StaffPrincipal
from app.config import ConsoleConfig
from app.console.models import ConsoleSession, StaffPreference
from app.db import utcnow
from app.i18n import SUPPORTED_LANGUAGES
from app.staff.models import StaffUser

TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class StaffContext:
    """A resolved console session: the principal (as the API builds it), the user and their preferences."""

    principal: StaffPrincipal
    full_name: str
    console_session_id: uuid.UUID
    language: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """A sign-in that passed the password and waits for its next step (`step`)."""

    console_session_id: uuid.UUID
    user: StaffUser
    step: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def preferences(session: Session, config: ConsoleConfig, user_id: uuid.UUID) -> tuple[str, str]:
    """The user's language and time zone (the console defaults until they choose)."""
    row = session.get(StaffPreference, user_id)
    if row is None:
        return config.default_language, config.default_time_zone
    return row.language, row.time_zone


def remember(
    session: Session, user_id: uuid.UUID, *, language: str | None = None, time_zone: str | None = None
) -> None:
    row = session.get(StaffPreference, user_id)
    if row is None:
        row = StaffPreference(user_id=user_id)
        session.add(row)
    if language in SUPPORTED_LANGUAGES:
        row.language = language
    if time_zone:
        row.time_zone = time_zone
    session.flush()


def open_pending(session: Session, config: ConsoleConfig, user: StaffUser, step: str) -> tuple[ConsoleSession, str]:
    """A session that may only finish the sign-in step `step`, for a few minutes."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = ConsoleSession(
        token_hash=digest(secret),
        user_id=user.id,
        pending_step=step,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(minutes=config.step_minutes),
    )
    session.add(row)
    session.flush()
    return row, secret


def open_session(
    session: Session, config: ConsoleConfig, user: StaffUser, auth_session: AuthSession, pending: ConsoleSession | None
) -> tuple[ConsoleSession, str]:
    """The working session, once every sign-in step is done. A fresh secret: the pending one is never reused."""
    if pending is not None:
        pending.ended_at, pending.ended_reason = utcnow(), "step_done"
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = ConsoleSession(
        token_hash=digest(secret),
        user_id=user.id,
        auth_session_id=auth_session.id,
        pending_step=None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=config.absolute_hours),
    )
    session.add(row)
    session.flush()
    return row, secret


def _live(row: ConsoleSession | None, config: ConsoleConfig) -> bool:
    if row is None or row.ended_at is not None:
        return False
    now = utcnow()
    if now >= row.expires_at:
        row.ended_at, row.ended_reason = now, "expired"
        return False
    if now - row.last_seen_at >= timedelta(minutes=config.idle_minutes):
        row.ended_at, row.ended_reason = now, "idle"
        return False
    return True


def _row(session: Session, secret: str | None) -> ConsoleSession | None:
    if not secret or len(secret) > 128:
        return None
    return session.execute(
        select(ConsoleSession).where(ConsoleSession.token_hash == digest(secret))
    ).scalar_one_or_none()


def resolve(session: Session, config: ConsoleConfig, secret: str | None) -> StaffContext | None:
    """The signed-in member of staff behind the cookie, or None (ended, expired, idle, revoked, deactivated)."""
    row = _row(session, secret)
    if not _live(row, config) or row is None or row.pending_step is not None or row.auth_session_id is None:
        return None
    found = session.execute(
        select(StaffUser, AuthSession)
        .join(AuthSession, AuthSession.user_id == StaffUser.id)
        .where(StaffUser.id == row.user_id, AuthSession.id == row.auth_session_id)
    ).first()
    if found is None:
        return None
    user, auth_session = found
    if not user.is_active or auth_session.revoked_at is not None:
        row.ended_at, row.ended_reason = utcnow(), "revoked"
        return None
    if utcnow() - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = utcnow()
    roles = tuple(sorted(user.roles))
    principal = StaffPrincipal(user.id, user.username, roles, permissions_for(roles), auth_session.id)
    language, zone = preferences(session, config, user.id)
    return StaffContext(principal, user.full_name, row.id, language, zone)


def resolve_pending(session: Session, config: ConsoleConfig, secret: str | None) -> PendingSignIn | None:
    """A sign-in waiting for a further step, or None."""
    row = _row(session, secret)
    if not _live(row, config) or row is None or row.pending_step is None:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.is_active:
        return None
    return PendingSignIn(row.id, user, row.pending_step)


def end(session: Session, console_session_id: uuid.UUID, reason: str = "signed_out") -> None:
    row = session.get(ConsoleSession, console_session_id)
    if row is not None and row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason
