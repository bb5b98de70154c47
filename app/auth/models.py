from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class AuthSession(Base):
    """One sign-in: the family of refresh tokens it rotates through. Revoking it ends every token it issued."""

    __tablename__ = "auth_session"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(64))


class RefreshToken(Base):
    """A refresh token, stored only as the SHA-256 of its id; each may be used once."""

    __tablename__ = "refresh_token"

    jti_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_session.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginFailure(Base):
    """A failed sign-in, counted per account and per client address to throttle guessing."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username_key: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the lower-cased name tried: counts attempts on unknown names without storing them."""
    client_ip: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_failure_username_key_occurred_at", "username_key", "occurred_at"),
        Index("ix_login_failure_client_ip_occurred_at", "client_ip", "occurred_at"),
    )
