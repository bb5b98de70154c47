from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class IdempotencyRecord(Base):
    """The first response to a request sent with an `Idempotency-Key`, kept for replaying it to retries.

    The row is inserted at the start of the request's transaction and completed in the same transaction, so other
    transactions only ever see it complete. The unique constraint on (principal, key) is what makes concurrent
    retries wait for the first one and then replay its response instead of repeating the work.
    """

    __tablename__ = "idempotency_record"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    principal: Mapped[str] = mapped_column(String(80))
    """Who sent the request (a staff user id): keys are per caller, so two callers never collide."""
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of method, path and canonical body: a reused key with another request is refused."""
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(400))
    status_code: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    """The response body, encrypted (AES-GCM): responses can hold personal data and one-time access codes."""
    response_headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("principal", "key"),
        Index("ix_idempotency_record_expires_at", "expires_at"),
    )
