"""Sign-in, token rotation and sign-out for staff."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.auth import tokens
from app.auth.models import AuthSession, LoginFailure, RefreshToken
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.permissions import permissions_for
from app.config import Settings
from app.context import client_ip_var
from app.db import utcnow
from app.errors import TooManyRequests, Unauthorized
from app.staff.models import StaffUser
from app.transaction import keep_when_refused

GENERIC_LOGIN_ERROR = "The user name or password is not correct."


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_expires_in: int


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def username_key(username: str) -> str:
    return _sha256(username.strip().lower())


def _issue_pair(session: Session, settings: Settings, user: StaffUser, auth_session: AuthSession) -> TokenPair:
    access_life = timedelta(minutes=settings.access_token_minutes)
    refresh_life = timedelta(days=settings.refresh_token_days)
    access, _ = tokens.encode(settings, sub=str(user.id), typ="access", lifetime=access_life, sid=str(auth_session.id))
    refresh, claims = tokens.encode(
        settings, sub=str(user.id), typ="refresh", lifetime=refresh_life, sid=str(auth_session.id)
    )
    session.add(RefreshToken(jti_hash=_sha256(claims.jti), session_id=auth_session.id, expires_at=claims.expires_at))
    session.flush()
    return TokenPair(access, int(access_life.total_seconds()), refresh, int(refresh_life.total_seconds()))


def open_session(session: Session, settings: Settings, user: StaffUser) -> TokenPair:
    """Start a sign-in session for `user` and issue its first token pair."""
    auth_session = AuthSession(user_id=user.id)
    session.add(auth_session)
    session.flush()
    return _issue_pair(session, settings, user, auth_session)


def _throttle_retry_after(session: Session, settings: Settings, key: str, client_ip: str | None) -> int | None:
    """Seconds until another attempt is allowed, or None when under the limit for both account and address."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = utcnow() - window
    waits = []
    conditions = [LoginFailure.username_key == key]
    if client_ip:
        conditions.append(LoginFailure.client_ip == client_ip)
    for condition in conditions:
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.occurred_at)).where(condition, LoginFailure.occurred_at > since)
        ).one()
        if count >= settings.login_max_failures and oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=utcnow().tzinfo)
            waits.append(int((oldest + window - utcnow()).total_seconds()) + 1)
    return max(waits) if waits else None


def verify_credentials(session: Session, settings: Settings, *, username: str, password: str) -> StaffUser:
    """The first sign-in step, shared by the API and the console: throttle, check the password, audit a failure.

    Failures are kept (and audited) even though the request fails. Returns the user; opening a session is the
    caller's next step (`login` for tokens, the console for its cookie session, after any further steps).
    """
    key = username_key(username)
    client_ip = client_ip_var.get()
    retry_after = _throttle_retry_after(session, settings, key, client_ip)
    if retry_after is not None:
        record(
            session,
            actor=Actor("anonymous"),
            action="auth.login_throttled",
            target_type="staff_user",
            details={"username_key": key[:16]},
        )
        keep_when_refused(session)
        raise TooManyRequests(retry_after, "Too many failed sign-in attempts. Try again later.")

    user = session.execute(select(StaffUser).where(StaffUser.username == username.strip().lower())).scalar_one_or_none()
    ok = verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        session.add(LoginFailure(username_key=key, client_ip=client_ip))
        record(
            session,
            actor=Actor(str(user.id), tuple(user.roles)) if user else Actor("anonymous"),
            action="auth.login_failed",
            target_type="staff_user",
            target_id=user.id if user else None,
            details={"username_key": key[:16], "reason": "inactive" if user and ok else "bad_credentials"},
        )
        keep_when_refused(session)
        raise Unauthorized(GENERIC_LOGIN_ERROR)

    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(session: Session, user: StaffUser, *, via: str) -> AuthSession:
    """Open a sign-in session for a user who passed every step, audited as a successful sign-in."""
    auth_session = AuthSession(user_id=user.id)
    session.add(auth_session)
    session.flush()
    record(
        session,
        actor=Actor(str(user.id), tuple(user.roles)),
        action="auth.login_succeeded",
        target_type="staff_user",
        target_id=user.id,
        details={"via": via},
    )
    return auth_session


def login(session: Session, settings: Settings, *, username: str, password: str) -> TokenPair:
    """Check a password and open a session with its first token pair (the API's OAuth2 password grant)."""
    user = verify_credentials(session, settings, username=username, password=password)
    return _issue_pair(session, settings, user, start_session(session, user, via="api"))


def _revoke(session: Session, session_id: uuid.UUID, reason: str) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def refresh(session: Session, settings: Settings, *, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. Presenting one that was already used revokes its whole session (theft signal)."""
    try:
        claims = tokens.decode(settings, refresh_token, expected_type="refresh")
        session_id = uuid.UUID(claims.sid or "")
    except (tokens.InvalidToken, ValueError) as exc:
        raise Unauthorized("The refresh token is not valid.") from exc
    stored = session.get(RefreshToken, _sha256(claims.jti))
    if stored is None or stored.session_id != session_id:
        raise Unauthorized("The refresh token is not valid.")
    # Atomic claim: of two concurrent uses of one token exactly one updates the row.
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti_hash == stored.jti_hash, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    claimed = cast(CursorResult[Any], result).rowcount
    auth_session = session.get(AuthSession, session_id)
    user = session.get(StaffUser, auth_session.user_id) if auth_session else None
    if claimed != 1:
        _revoke(session, session_id, "refresh_token_reused")
        record(
            session,
            actor=Actor(claims.sub),
            action="auth.refresh_reused",
            target_type="auth_session",
            target_id=session_id,
        )
        keep_when_refused(session)
        raise Unauthorized("The refresh token was already used; the session has been ended for safety.")
    if auth_session is None or auth_session.revoked_at is not None or user is None or not user.is_active:
        raise Unauthorized("The session has ended. Sign in again.")
    pair = _issue_pair(session, settings, user, auth_session)
    record(
        session,
        actor=Actor(str(user.id), tuple(user.roles)),
        action="auth.token_refreshed",
        target_type="auth_session",
        target_id=session_id,
    )
    return pair


def logout(session: Session, *, actor: Actor, session_id: uuid.UUID) -> None:
    _revoke(session, session_id, "logout")
    record(session, actor=actor, action="auth.logged_out", target_type="auth_session", target_id=session_id)


def revoke_all_sessions(session: Session, user_id: uuid.UUID, reason: str) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def describe_permissions(user: StaffUser) -> list[str]:
    return sorted(p.value for p in permissions_for(user.roles))


def lift_sign_in_throttle(session: Session, *, actor: Actor, username: str) -> int:
    """An administrator lifts the sign-in pause of an account: its counted failures are forgotten. Audited.

    Returns how many failures were forgotten. (The client-address counter is left alone: it protects against a
    guesser, whoever the account is.)
    """
    key = username_key(username)
    result = session.execute(delete(LoginFailure).where(LoginFailure.username_key == key))
    forgotten = int(getattr(result, "rowcount", 0) or 0)
    record(
        session,
        actor=actor,
        action="auth.throttle_lifted",
        target_type="staff_user",
        details={"username_key": key[:16], "failures": forgotten},
    )
    return forgotten
