"""A requester's portal access code (one per inquiry), stored only as an argon2id hash."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class PortalAccessCode(Base):
    """The portal access code of one requester (one inquiry). Re-issuing replaces the hash in place.

    The case is reached through the inquiry, so a case merge (which moves inquiries) carries the codes along.
    """

    __tablename__ = "portal_access_code"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    inquiry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inquiry.id", ondelete="CASCADE"), unique=True)
    selector: Mapped[str] = mapped_column(String(4), index=True)
    """The code's first group: random, not secret; picks the one hash to verify so every sign-in costs the same."""
    code_hash: Mapped[str | None] = mapped_column(String(128))
    """argon2id of the whole normalized code; none once revoked."""
    generation: Mapped[int] = mapped_column(default=1)
    """Counts issues; sessions opened under an older generation stop working."""
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(80))
    """The staff user id, `family:<reference>` (online form) or `system`."""
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
