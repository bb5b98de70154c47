"""The hash chain: canonical form, hashing, and verifying.

Canonical form is JSON with sorted keys, no insignificant white space, UTF-8, and timestamps as UTC ISO-8601 with
microseconds, so the same event hashes the same on SQLite and PostgreSQL, in any time zone and any dict order.
Events are linked by the sealer (`app.audit.sealer`); this module only computes and checks.

Verification streams plain Core rows (no ORM objects) in `seq` order and hashes each one: a year of events is
checked in seconds. It reports the sealed part and the unsealed tail separately; an unsealed event older than the
configured bound (`audit.max_seal_delay_seconds`) means no sealer is running, or one is failing: an alarm.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditChainHead, AuditEvent
from app.db import is_postgresql, utcnow

GENESIS_HASH = "0" * 64
HEAD_ID = 1
STREAM_BATCH = 20_000

# The columns that enter the hash, in the order `canonical_content` reads them from a row.
CONTENT_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.occurred_at,
    AuditEvent.actor,
    AuditEvent.actor_roles,
    AuditEvent.action,
    AuditEvent.target_type,
    AuditEvent.target_id,
    AuditEvent.request_id,
    AuditEvent.client_ip,
    AuditEvent.user_agent,
    AuditEvent.details,
    AuditEvent.prev_hash,
)
# One encoder for every event: `json.dumps` with options would build a new encoder per call.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_encode_str: Callable[[str], str] = (
    getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
)


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.utcoffset():
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_values(values: Sequence[Any]) -> bytes:
    """The canonical bytes of an event from its content values, in `CONTENT_COLUMNS` order."""
    content = {
        "seq": int(values[0]),
        "occurred_at": _timestamp(values[1]),
        "actor": values[2],
        "actor_roles": sorted(values[3] or []),
        "action": values[4],
        "target_type": values[5],
        "target_id": values[6],
        "request_id": values[7],
        "client_ip": values[8],
        "user_agent": values[9],
        "details": values[10] or {},
        "prev_hash": values[11],
    }
    return _encode(content).encode()


def canonical_content(event: AuditEvent) -> bytes:
    if event.seq is None or event.prev_hash is None:
        raise ValueError("an unsealed event has no canonical content yet")
    return canonical_values(
        (
            event.seq,
            event.occurred_at,
            event.actor,
            event.actor_roles,
            event.action,
            event.target_type,
            event.target_id,
            event.request_id,
            event.client_ip,
            event.user_agent,
            event.details,
            event.prev_hash,
        )
    )


def hash_of(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()


def compute_hash(event: AuditEvent) -> str:
    assert event.prev_hash is not None
    return hash_of(event.prev_hash, canonical_content(event))


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    """The sealed chain verifies and no unsealed event is overdue."""
    events_checked: int
    """Sealed events recomputed."""
    first_bad_seq: int | None = None
    reason: str | None = None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    unsealed: int = 0
    """Events inserted but not yet linked: the tail the chain does not protect yet."""
    oldest_unsealed_at: datetime | None = None
    unsealed_overdue: bool = False
    """An unsealed event is older than the bound: no sealer is running, or it fails."""
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "unsealed": self.unsealed,
            "oldest_unsealed_at": self.oldest_unsealed_at,
            "unsealed_overdue": self.unsealed_overdue,
            "checkpoints_checked": self.checkpoints_checked,
        }


@dataclass(slots=True)
class _Walk:
    checked: int = 0
    prev: str = GENESIS_HASH
    bad_seq: int | None = None
    reason: str | None = None
    hashes_at: dict[int, str] = field(default_factory=dict)


def _stored_text_columns(session: Session) -> tuple[Any, ...]:
    """The content columns as stored text: JSON as written (canonical, see `app.db.canonical_json`), the time as
    the canonical UTC string, so hashing needs no parsing and no re-encoding."""
    occurred: Any
    if is_postgresql(session):
        occurred = func.to_char(func.timezone("UTC", AuditEvent.occurred_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    else:  # SQLAlchemy stores SQLite timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        occurred = func.replace(cast(AuditEvent.occurred_at, Text), " ", "T").concat("Z")
    return (
        AuditEvent.seq,
        occurred,
        AuditEvent.actor,
        cast(AuditEvent.actor_roles, Text),
        AuditEvent.action,
        AuditEvent.target_type,
        AuditEvent.target_id,
        AuditEvent.request_id,
        AuditEvent.client_ip,
        AuditEvent.user_agent,
        cast(AuditEvent.details, Text),
        AuditEvent.prev_hash,
        AuditEvent.hash,
    )


def _fast_hash(row: Sequence[Any], prev: str) -> str:
    """The hash of an event from its stored text: equal to `hash_of(prev, canonical_values(...))` whenever the
    stored JSON is canonical, which is how this application writes it."""
    e = _encode_str
    content = (
        f'{{"action":{e(row[4])},"actor":{e(row[2])},"actor_roles":{row[3]},'
        f'"client_ip":{"null" if row[8] is None else e(row[8])},"details":{row[10]},"occurred_at":"{row[1]}",'
        f'"prev_hash":"{prev}","request_id":{"null" if row[7] is None else e(row[7])},"seq":{row[0]},'
        f'"target_id":{"null" if row[6] is None else e(row[6])},'
        f'"target_type":{"null" if row[5] is None else e(row[5])},'
        f'"user_agent":{"null" if row[9] is None else e(row[9])}}}'
    )
    return hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()


def _slow_hash(session: Session, seq: int, prev: str) -> str:
    """The hash by the definition (parse, canonicalize): for events stored in another JSON form."""
    row = session.execute(select(*CONTENT_COLUMNS).where(AuditEvent.seq == seq)).one()
    return hash_of(prev, canonical_values((*row[:11], prev)))


def _walk(session: Session, rows: Iterable[Sequence[Any]], want: set[int]) -> _Walk:
    """Check position, link and content of each sealed row; remember the hashes at the sequence numbers in `want`."""
    walk = _Walk()
    expected, prev = 1, GENESIS_HASH
    for row in rows:
        seq, stored_prev, stored_hash = row[0], row[11], row[12]
        if seq != expected:
            walk.bad_seq, walk.reason = expected, f"event {expected} is missing" if seq > expected else "order broken"
            break
        if stored_prev != prev:
            walk.bad_seq, walk.reason = seq, "link to the previous event is broken"
            break
        if _fast_hash(row, prev) != stored_hash and _slow_hash(session, seq, prev) != stored_hash:
            walk.bad_seq, walk.reason = seq, "content does not match its hash"
            break
        if seq in want:
            walk.hashes_at[seq] = stored_hash
        prev, expected = stored_hash, expected + 1
    walk.checked, walk.prev = expected - 1, prev
    return walk


def verify(session: Session, *, max_seal_delay: timedelta | None = None, now: datetime | None = None) -> VerifyResult:
    """Recompute the sealed chain from the start, check it against the head and the signed checkpoints, and
    report the unsealed tail. `max_seal_delay` defaults to the configured bound."""
    from app.audit import checkpoints  # the checkpoint module builds on this one

    settings = session.info.get("settings")
    if max_seal_delay is None:
        seconds = settings.audit.max_seal_delay_seconds if settings is not None else 1.0
        max_seal_delay = timedelta(seconds=seconds)
    stored = checkpoints.stored(session)
    query = select(*_stored_text_columns(session)).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
    rows = session.connection().execution_options(yield_per=STREAM_BATCH).execute(query)
    walk = _walk(session, rows, {c.seq for c in stored})
    rows.close()
    head = session.get(AuditChainHead, HEAD_ID)
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    unsealed, oldest = session.execute(
        select(func.count(), func.min(AuditEvent.occurred_at)).where(AuditEvent.seq.is_(None))
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    overdue = oldest is not None and (now or utcnow()) - oldest > max_seal_delay
    bad_seq, reason = walk.bad_seq, walk.reason
    if bad_seq is None and (head_seq != walk.checked or head_hash != walk.prev):
        bad_seq = walk.checked + 1 if head_seq > walk.checked else head_seq
        reason = (
            "events after the last verified one were removed"
            if head_seq > walk.checked
            else "the chain's head does not match its last event"
        )
    problems: list[str] = []
    if bad_seq is None:
        verifier = checkpoints.Verifier.from_settings(settings)
        for checkpoint in stored:
            problem = verifier.check(checkpoint, walk.hashes_at.get(checkpoint.seq), walk.checked)
            if problem is not None:
                problems.append(problem)
                if bad_seq is None:
                    bad_seq, reason = checkpoint.seq, problem
    ok = bad_seq is None and not overdue
    if not ok and reason is None:
        reason = f"unsealed events older than {max_seal_delay.total_seconds():g} s: is the sealer running?"
    return VerifyResult(
        ok=ok,
        events_checked=walk.checked,
        first_bad_seq=bad_seq,
        reason=reason,
        head_seq=head_seq,
        head_hash=head_hash,
        unsealed=int(unsealed),
        oldest_unsealed_at=oldest,
        unsealed_overdue=overdue,
        checkpoints_checked=len(stored),
        problems=problems,
    )
