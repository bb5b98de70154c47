"""The audit trail: append-only, hash-chained events written in the same transaction as the change they record."""

from app.audit.service import Actor, record, system_actor

__all__ = ["Actor", "record", "system_actor"]
