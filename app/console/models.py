"""The console's own tables: server-side staff web sessions and each member of staff's display preferences.

A console session hangs off an `AuthSession` (the one sign-in record the API's tokens use too), so revoking a user's
sessions (deactivation, an administrator's "sign out everywhere") ends their console session on the next request.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class ConsoleSession(Base):
    """One browser signed in to the console. The cookie holds a random secret; only its SHA-256 is stored.

    A sign-in goes through steps (`app.console.signin`): while `pending_step` names one, the session only opens that
    step's page; it becomes a working session when every step is done and `auth_session_id` is set.
    """

    __tablename__ = "console_session"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    auth_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("auth_session.id", ondelete="CASCADE"), index=True
    )
    pending_step: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))


class StaffPreference(Base):
    """What a member of staff chose for the console: language and time zone, remembered across sign-ins."""

    __tablename__ = "staff_preference"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), default="uk")
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Kyiv")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
