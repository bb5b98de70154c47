"""Recording audit events.

Services call `record(...)` next to the change they make. The event is queued on the session and chained in at
commit time by `app.transaction`, after every other write of the transaction: the chain's lock is always taken
last and held only for the moment of the commit, so audited transactions cannot deadlock on it, and a transaction
that rolls back leaves neither its change nor its event.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.audit.sensitive import SENSITIVE_FIELDS
from app.context import client_ip_var, request_id_var, user_agent_var
from app.db import settings_of, utcnow

PENDING_KEY = "audit_pending"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a staff user (`id` is the user id), a family (`family:<reference>`), or the system."""

    id: str
    roles: tuple[str, ...] = field(default=())


def system_actor() -> Actor:
    return Actor("system", ("system",))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _salt(session: Session) -> bytes:
    return settings_of(session).effective_audit_salt.encode()


def redact(session: Session, value: Any) -> str | None:
    """A salted hash that shows whether a sensitive value changed without revealing it."""
    if value is None:
        return None
    digest = hmac.new(_salt(session), repr(_plain(value)).encode(), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest[:32]}"


def diff(
    session: Session, before: Mapping[str, Any], after: Mapping[str, Any], *, sensitive: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """The changed fields between two snapshots, with sensitive values replaced by salted hashes."""
    hidden = SENSITIVE_FIELDS | set(sensitive)
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old == new:
            continue
        if key in hidden:
            old, new = redact(session, old), redact(session, new)
        changes[key] = {"old": old, "new": new}
    return changes


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    target_type: str | None = None,
    target_id: Any = None,
    changes: Mapping[str, dict[str, Any]] | None = None,
    details: Mapping[str, Any] | None = None,
    sensitive: Iterable[str] = (),
) -> AuditEvent:
    """Queue an event in this session's transaction. `details` values under sensitive names are hashed."""
    hidden = SENSITIVE_FIELDS | set(sensitive)
    body: dict[str, Any] = {}
    for key, value in (details or {}).items():
        body[key] = redact(session, value) if key in hidden else _plain(value)
    if changes:
        body["changes"] = dict(changes)
    event = AuditEvent(
        occurred_at=utcnow(),
        actor=actor.id,
        actor_roles=sorted(actor.roles),
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        request_id=request_id_var.get(),
        client_ip=client_ip_var.get(),
        user_agent=user_agent_var.get(),
        details=body,
    )
    session.info.setdefault(PENDING_KEY, []).append(event)
    return event


def take_pending(session: Session) -> list[AuditEvent]:
    pending: list[AuditEvent] = session.info.pop(PENDING_KEY, [])
    return pending
