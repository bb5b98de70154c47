"""The hash chain: canonical form, hashing, appending and verifying.

Canonical form is JSON with sorted keys, no insignificant white space, UTF-8, and timestamps as UTC ISO-8601 with
microseconds, so the same event hashes the same on SQLite and PostgreSQL, in any time zone and any dict order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(event: AuditEvent) -> bytes:
    content = {
        "seq": int(event.seq),
        "occurred_at": _timestamp(event.occurred_at),
        "actor": event.actor,
        "actor_roles": sorted(event.actor_roles or []),
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
        "user_agent": event.user_agent,
        "details": event.details or {},
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(event.prev_hash.encode() + b"\n" + canonical_content(event)).hexdigest()


def lock_head(session: Session) -> AuditChainHead:
    """Lock the chain tip for the rest of the transaction (SQLite transactions are already exclusive)."""
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:  # first event ever: the migration seeds the row, this covers a hand-emptied table
        head = AuditChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def append(session: Session, events: list[AuditEvent]) -> None:
    """Give each event its place in the chain and insert it. Called last in a transaction, just before commit."""
    if not events:
        return
    head = lock_head(session)
    seq, prev = head.seq, head.hash
    for event in events:
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        event.hash = compute_hash(event)
        prev = event.hash
        session.add(event)
    head.seq, head.hash = seq, prev
    session.flush()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    events_checked: int
    first_bad_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
        }


def _events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = (
            session.execute(select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch))
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> VerifyResult:
    """Recompute the chain from the start; report the first event whose position, link or content is off."""
    expected_seq, prev, checked = 1, GENESIS_HASH, 0
    for event in _events(session):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.seq, "link to the previous event is broken")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "content does not match its hash")
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(
            False,
            checked,
            checked + 1 if head.seq > checked else head.seq,
            "events after the last verified one were removed",
        )
    return VerifyResult(True, checked)
