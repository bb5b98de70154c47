"""The sealer: links newly inserted audit events into the hash chain, off the request's hot path.

Requests insert their events in their own transaction without any shared lock (`app.transaction.commit`), so an
acknowledged act always has its event, durably, and readers never queue behind one another. The sealer then takes
the chain's head lock, gives the unsealed events (in `id` order) their `seq`, `prev_hash` and `hash`, moves the
head, and commits: the same chain as before, built a moment later, like a Certificate Transparency log merging
entries within its maximum merge delay (RFC 6962).

Several sealers may run (one per worker process, and the embedded worker of each server process): exactly one links
at a time. On PostgreSQL the head row is locked `FOR UPDATE SKIP LOCKED` (a second sealer finds it taken and
returns at once), each update requires `seq IS NULL`, and `seq`/`hash` are unique, so an event can never be linked
twice; the triggers let only a transaction that declared itself the sealer write the chain columns. On SQLite the
sealing transaction begins IMMEDIATE, which serializes sealers on the database's write lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit import checkpoints
from app.audit.chain import CONTENT_COLUMNS, GENESIS_HASH, HEAD_ID, canonical_values, hash_of
from app.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from app.db import is_postgresql, read_session, utcnow

log = logging.getLogger("app.audit.sealer")
BATCH = 5_000
SEALER_FLAG = "liaison.audit_sealer"
"""A transaction-local PostgreSQL setting: the triggers let only a transaction that set it write chain columns."""

_LINK = (
    update(AuditEvent)
    .where(AuditEvent.id == bindparam("event_id"), AuditEvent.seq.is_(None))
    .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash"))
)


@dataclass(frozen=True, slots=True)
class SealResult:
    sealed: int
    head_seq: int
    checkpointed: bool = False


def has_unsealed(factory: sessionmaker[Session]) -> bool:
    """A cheap read (a partial index, no write lock): is there anything to seal?"""
    with read_session(factory) as session:
        return session.execute(select(AuditEvent.id).where(AuditEvent.seq.is_(None)).limit(1)).first() is not None


def _lock_head(session: Session) -> AuditChainHead | None:
    """The head, locked for this transaction; None when another sealer holds it (PostgreSQL)."""
    query = select(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
    if is_postgresql(session):
        session.execute(text("SELECT set_config(:name, 'on', true)"), {"name": SEALER_FLAG})
        head = session.execute(query.with_for_update(skip_locked=True)).scalar_one_or_none()
        if head is None and session.get(AuditChainHead, HEAD_ID) is not None:
            return None  # locked by the other sealer
    else:
        head = session.execute(query).scalar_one_or_none()
    if head is None:  # the migration seeds the row; this covers a hand-emptied table
        head = AuditChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def seal_in(session: Session, *, batch: int = BATCH, checkpoint_every: timedelta | None = None) -> SealResult:
    """Link up to `batch` unsealed events in this session's transaction (the caller commits)."""
    head = _lock_head(session)
    if head is None:
        return SealResult(0, -1)
    rows = session.execute(
        select(AuditEvent.id, *CONTENT_COLUMNS[1:-1])
        .where(AuditEvent.seq.is_(None))
        .order_by(AuditEvent.id)
        .limit(batch)
    ).all()
    seq, prev = head.seq, head.hash
    links = []
    for row in rows:
        seq += 1
        content = canonical_values((seq, *row[1:], prev))
        digest = hash_of(prev, content)
        links.append({"event_id": row[0], "new_seq": seq, "new_prev": prev, "new_hash": digest})
        prev = digest
    if links:
        result = session.connection().execute(_LINK, links)
        if result.rowcount not in (-1, len(links)):
            raise RuntimeError("an audit event was linked by someone else while the head was locked")
        head.seq, head.hash = seq, prev
    checkpointed = False
    if checkpoint_every is not None and head.seq > 0:
        last = session.execute(
            select(AuditCheckpoint.seq, AuditCheckpoint.signed_at).order_by(AuditCheckpoint.id.desc()).limit(1)
        ).first()
        if last is None or (last.seq != head.seq and utcnow() - last.signed_at >= checkpoint_every):
            checkpoints.create(session, session.info.get("settings"), head.seq, head.hash)
            checkpointed = True
    session.flush()
    return SealResult(len(links), head.seq, checkpointed)


def seal(factory: sessionmaker[Session], *, batch: int = BATCH, checkpoint: bool = True) -> int:
    """Seal everything unsealed now (in batches of `batch`); returns how many events were linked."""
    from app.transaction import unit_of_work  # the unit of work commits audit events through this package

    total = 0
    while True:
        with unit_of_work(factory) as session:
            settings = session.info.get("settings")
            every = timedelta(seconds=settings.audit.checkpoint_interval_seconds) if settings is not None else None
            result = seal_in(session, batch=batch, checkpoint_every=every if checkpoint else None)
        total += result.sealed
        if result.sealed < batch:
            return total


def run_sealer(
    factory: sessionmaker[Session], *, interval: float, should_stop: Callable[[], bool], wait: Callable[[float], object]
) -> None:
    """Seal whatever is unsealed every `interval` seconds until `should_stop()`. Idle checks only read."""
    while not should_stop():
        try:
            if has_unsealed(factory):
                seal(factory)
        except Exception:
            log.exception("sealer pass failed; retrying")
        wait(interval)


def start_sealer_thread(factory: sessionmaker[Session], stop: threading.Event) -> threading.Thread:
    """The sealer in a daemon thread of this process (the worker and the embedded worker run one)."""
    settings = factory.kw.get("info", {}).get("settings")
    bound = settings.audit.max_seal_delay_seconds if settings is not None else 1.0
    thread = threading.Thread(
        target=run_sealer,
        args=(factory,),
        kwargs={"interval": max(0.05, bound / 4), "should_stop": stop.is_set, "wait": stop.wait},
        name="audit-sealer",
        daemon=True,
    )
    thread.start()
    return thread


def checkpoint_now(session: Session) -> AuditCheckpoint:
    """A signed checkpoint of the current head (the latest stored one when the head has not moved since)."""
    head = _lock_head(session)
    while head is None:  # another sealer is linking: wait for it, then take the lock
        threading.Event().wait(0.05)
        head = _lock_head(session)
    last = checkpoints.latest(session)
    if last is not None and last.seq == head.seq:
        return last
    checkpoint = checkpoints.create(session, session.info.get("settings"), head.seq, head.hash)
    session.flush()
    return checkpoint
