"""Server-side family sessions: a cookie (web pages) or a family bearer token (JSON API), bound to one access code.

A session is valid while it has not been ended, its absolute lifetime (12 h) has not run out, it has been used within
the idle timeout (30 min), and the access code it was opened with is still the live one (same generation, not
revoked). The case is always reached through the code's inquiry, so a family sees the case it belongs to today.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import tokens
from app.auth.principals import FamilyPrincipal
from app.config import PortalConfig, Settings
from app.db import utcnow
from app.family_access.models import PortalAccessCode
from app.family_access.service import VerifiedAccess, current_case
from app.inquiries.models import Inquiry
from app.portal.models import PortalSession

TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class FamilyContext:
    """A resolved family session: who (the principal), which requester, and the session row."""

    principal: FamilyPrincipal
    inquiry_id: uuid.UUID
    session_id: uuid.UUID
    kind: str


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def open_session(
    session: Session, portal: PortalConfig, access: VerifiedAccess, *, kind: str, language: str
) -> tuple[PortalSession, str]:
    """Start a session for a verified code. Returns the row and the secret cookie value (never stored)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = PortalSession(
        token_hash=_digest(secret),
        access_code_id=access.access_code.id,
        code_generation=access.access_code.generation,
        kind=kind,
        language=language,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=portal.absolute_hours),
    )
    access.access_code.last_used_at = now
    session.add(row)
    session.flush()
    return row, secret


def family_token(settings: Settings, row: PortalSession, reference: str) -> tuple[str, int]:
    """A bearer token for the JSON API (`typ=family`): staff routes, which demand `typ=access`, refuse it."""
    lifetime = row.expires_at - utcnow()
    token, _ = tokens.encode(settings, sub=reference, typ="family", lifetime=lifetime, sid=str(row.id))
    return token, int(lifetime.total_seconds())


def _validate(session: Session, portal: PortalConfig, row: PortalSession | None) -> FamilyContext | None:
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    if now >= row.expires_at:
        row.ended_at, row.ended_reason = now, "expired"
        return None
    if now - row.last_seen_at >= timedelta(minutes=portal.idle_minutes):
        row.ended_at, row.ended_reason = now, "idle"
        return None
    found = session.execute(
        select(PortalAccessCode, Inquiry)
        .join(Inquiry, Inquiry.id == PortalAccessCode.inquiry_id)
        .where(PortalAccessCode.id == row.access_code_id)
    ).first()
    if found is None:
        return None
    code, inquiry = found
    if code.code_hash is None or code.generation != row.code_generation:
        return None
    case = current_case(session, inquiry.case_id)
    if case is None:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    principal = FamilyPrincipal(case_id=case.id, case_reference=case.reference, access_code_id=code.id)
    return FamilyContext(principal=principal, inquiry_id=inquiry.id, session_id=row.id, kind=row.kind)


def resolve_cookie(session: Session, portal: PortalConfig, secret: str | None) -> FamilyContext | None:
    if not secret or len(secret) > 128:
        return None
    row = session.execute(
        select(PortalSession).where(PortalSession.token_hash == _digest(secret), PortalSession.kind == "cookie")
    ).scalar_one_or_none()
    return _validate(session, portal, row)


def resolve_token(session: Session, settings: Settings, portal: PortalConfig, token: str) -> FamilyContext | None:
    try:
        claims = tokens.decode(settings, token, expected_type="family")
        session_id = uuid.UUID(claims.sid or "")
    except (tokens.InvalidToken, ValueError):
        return None
    row = session.get(PortalSession, session_id)
    if row is None or row.kind != "token":
        return None
    return _validate(session, portal, row)


def end_session(session: Session, session_id: uuid.UUID, reason: str = "signed_out") -> None:
    row = session.get(PortalSession, session_id)
    if row is not None and row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason


def csrf_token(settings: Settings, binding: str) -> str:
    """The form token for a session id or an anonymous CSRF cookie value (HMAC, so nothing to store)."""
    key = f"portal-csrf:{settings.jwt_signing_key}".encode()
    return hmac.new(key, binding.encode(), hashlib.sha256).hexdigest()


def csrf_valid(settings: Settings, binding: str | None, supplied: str | None) -> bool:
    if not binding or not supplied:
        return False
    return hmac.compare_digest(csrf_token(settings, binding), supplied)
