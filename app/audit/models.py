from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class AuditEvent(Base):
    """One thing someone did. Rows are never updated or deleted (PostgreSQL triggers refuse it)."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(BigInteger, "postgresql"), primary_key=True, autoincrement=False
    )
    """Gapless position in the chain, starting at 1."""
    occurred_at: Mapped[datetime]
    """When it happened, UTC."""
    actor: Mapped[str] = mapped_column(String(80))
    """A staff user id, `family:<case reference>`, or `system`."""
    actor_roles: Mapped[list[str]]
    """The actor's roles at that moment."""
    action: Mapped[str] = mapped_column(String(80))
    """Dotted, past tense: `user.created`, `auth.login_failed`, `case.transitioned`."""
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(80))
    request_id: Mapped[str | None] = mapped_column(String(128))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    details: Mapped[dict[str, Any]]
    """What changed: `{"changes": {field: {"old": .., "new": ..}}, ...}`, sensitive values as salted hashes."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 over `prev_hash` and this event's canonical content."""

    __table_args__ = (
        Index("ix_audit_event_target", "target_type", "target_id"),
        Index("ix_audit_event_actor", "actor"),
        Index("ix_audit_event_action", "action"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )


class AuditChainHead(Base):
    """The single row that holds the chain's tip. Locking it serializes appends, so the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
