from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

# SQLite only auto-numbers an INTEGER PRIMARY KEY (the rowid); PostgreSQL gets a 64-bit identity.
_ID = BigInteger().with_variant(Integer, "sqlite")
UNSEALED = text("seq IS NULL")


class AuditEvent(Base):
    """One thing someone did, inserted in the transaction of the act, linked into the hash chain soon after.

    A request inserts its events without touching the chain (no shared lock on the hot path); the sealer
    (`app.audit.sealer`) then gives each unsealed event, in `id` order, its `seq`, `prev_hash` and `hash`. Content
    columns are never updated and rows never deleted; chain columns are written once, by the sealer only
    (PostgreSQL triggers enforce both).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    """Insertion order; the sealer links events in this order."""
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    """Gapless position in the chain, starting at 1; None until sealed."""
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
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 over `prev_hash` and this event's canonical content; None until sealed."""

    __table_args__ = (
        Index("ix_audit_event_target", "target_type", "target_id"),
        Index("ix_audit_event_actor", "actor"),
        Index("ix_audit_event_action", "action"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
        # The sealer's work list: tiny (at most a second of events), so finding it costs nothing.
        Index("ix_audit_event_unsealed", "id", sqlite_where=UNSEALED, postgresql_where=UNSEALED),
    )


class AuditChainHead(Base):
    """The single row that holds the chain's tip. Only the sealer locks it, so the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement "the chain had `seq` events and its head was `head_hash` at `signed_at`".

    Published outside the database (`liaison audit checkpoint`), a checkpoint lets an auditor prove later that
    history up to `seq` was not rewritten, even by someone who could rewrite every row and recompute every hash.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    algorithm: Mapped[str] = mapped_column(String(16))
    """`ed25519`."""
    key_id: Mapped[str] = mapped_column(String(32))
    """First 16 bytes of SHA-256 of the public key, hex: says which key signed."""
    signature: Mapped[str] = mapped_column(String(200))
    """Base64 of the signature over the checkpoint's canonical statement."""
