"""Portal persistence: family sign-in sessions, failed sign-ins and lockouts (access codes: `app.family_access`).

Nothing here stores a secret in clear: access codes are argon2id hashes, session tokens SHA-256 digests, and a tried
case reference is kept only as a keyed digest, so a lockout on a reference nobody holds reveals nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class PortalSession(Base):
    """A family's sign-in: a browser cookie or a bearer token, bound to one access code and so to one case."""

    __tablename__ = "portal_session"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the cookie value (bearer sessions store the digest of a random value never handed out)."""
    access_code_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("portal_access_code.id", ondelete="CASCADE"), index=True
    )
    code_generation: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8), default="cookie")
    """`cookie` (the web pages) or `token` (the JSON API's family bearer token)."""
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    """The absolute end of the session, whatever the activity."""
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))


class PortalSignInFailure(Base):
    """A failed portal sign-in, counted per reference (keyed digest) and per client address."""

    __tablename__ = "portal_sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    reference_key: Mapped[str] = mapped_column(String(64))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_portal_sign_in_failure_reference_key_occurred_at", "reference_key", "occurred_at"),
        Index("ix_portal_sign_in_failure_client_ip_occurred_at", "client_ip", "occurred_at"),
    )


class PortalLockout(Base):
    """A sign-in lockout, kept for staff: the family may call the hotline because of it."""

    __tablename__ = "portal_lockout"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    """The case whose reference was tried, when it exists."""
    scope: Mapped[str] = mapped_column(String(10))
    """`reference` or `address`."""
    reference_key: Mapped[str | None] = mapped_column(String(64))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    failures: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime]


class PortalSubmission(Base):
    """A public form submission (the online inquiry form), counted per client address for rate limiting."""

    __tablename__ = "portal_submission"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_portal_submission_client_ip_occurred_at", "client_ip", "occurred_at"),)
