"""Enqueueing, handler registry, and the claim-run-settle loop."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.db import is_postgresql, utcnow
from app.jobs.models import Job
from app.transaction import unit_of_work

log = logging.getLogger("app.jobs")
Handler = Callable[[Session, dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}
LEASE = timedelta(minutes=15)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `fn(session, payload)` to run jobs of `kind`; it runs in its own transaction."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    delay: timedelta | None = None,
    max_attempts: int = 8,
) -> Job | None:
    """Add a job in the caller's transaction. With `dedupe_key`, returns None when one is already waiting."""
    job = Job(
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        max_attempts=max_attempts,
        run_after=utcnow() + (delay or timedelta()),
    )
    if dedupe_key is None:
        session.add(job)
        session.flush()
        return job
    if session.execute(select(Job.id).where(Job.dedupe_key == dedupe_key)).first() is not None:
        return None
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        return None  # a concurrent transaction enqueued the same work
    return job


def _claim(factory: sessionmaker[Session], kinds: set[str] | None) -> tuple[int, str, dict[str, Any]] | None:
    with unit_of_work(factory) as session:
        now = utcnow()
        query = (
            select(Job)
            .where(
                or_(
                    (Job.status == "pending") & (Job.run_after <= now),
                    (Job.status == "running") & (Job.locked_at < now - LEASE),
                )
            )
            .order_by(Job.run_after, Job.id)
            .limit(1)
        )
        if kinds:
            query = query.where(Job.kind.in_(kinds))
        if is_postgresql(session):
            query = query.with_for_update(skip_locked=True)
        job = session.execute(query).scalar_one_or_none()
        if job is None:
            return None
        job.status, job.locked_at, job.attempts = "running", now, job.attempts + 1
        return job.id, job.kind, dict(job.payload)


def _settle(factory: sessionmaker[Session], job_id: int, error: BaseException | None) -> None:
    with unit_of_work(factory) as session:
        job = session.get(Job, job_id)
        if job is None:
            return
        if error is None:
            job.status, job.finished_at, job.dedupe_key, job.last_error = "done", utcnow(), None, None
            return
        job.last_error = type(error).__name__
        if job.attempts >= job.max_attempts:
            job.status, job.finished_at, job.dedupe_key = "dead", utcnow(), None
        else:
            job.status = "pending"
            job.run_after = utcnow() + timedelta(seconds=min(3600, 2**job.attempts * 5))


def run_one(factory: sessionmaker[Session], kinds: set[str] | None = None) -> bool:
    """Claim and run one due job. Returns False when there was none."""
    claimed = _claim(factory, kinds)
    if claimed is None:
        return False
    job_id, kind, payload = claimed
    fn = _HANDLERS.get(kind)
    error: BaseException | None = None
    try:
        if fn is None:
            raise LookupError(f"no handler for job kind {kind}")
        with unit_of_work(factory) as session:
            fn(session, payload)
    except Exception as exc:
        error = exc
        log.warning("job failed", extra={"job_id": job_id, "kind": kind}, exc_info=exc)
    _settle(factory, job_id, error)
    return True


def run_pending(factory: sessionmaker[Session], limit: int | None = None, kinds: set[str] | None = None) -> int:
    """Run due jobs until none is left (or `limit` ran). Used by tests and by `liaison worker --once`."""
    count = 0
    while (limit is None or count < limit) and run_one(factory, kinds):
        count += 1
    return count


def run_forever(
    factory: sessionmaker[Session], *, poll_seconds: float = 2.0, should_stop: Callable[[], bool] = lambda: False
) -> None:
    while not should_stop():
        try:
            ran = run_one(factory)
        except Exception:
            log.exception("worker loop error")
            ran = False
        if not ran:
            time.sleep(poll_seconds)
