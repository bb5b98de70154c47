"""Enqueueing, handler registry, and the claim-run-settle loop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app import wakeup
from app.context import job_id_var, request_id_var
from app.db import is_postgresql, read_session, utcnow
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


def registered_kinds() -> tuple[str, ...]:
    return tuple(_HANDLERS)


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
        request_id=request_id_var.get(),
        dedupe_key=dedupe_key,
        max_attempts=max_attempts,
        run_after=utcnow() + (delay or timedelta()),
    )
    if dedupe_key is None:
        session.add(job)
        session.flush()
        session.info[wakeup.ENQUEUED_KEY] = True
        return job
    if session.execute(select(Job.id).where(Job.dedupe_key == dedupe_key)).first() is not None:
        return None
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        return None  # a concurrent transaction enqueued the same work
    session.info[wakeup.ENQUEUED_KEY] = True
    return job


def _due_query(now: Any, kinds: set[str] | None) -> Any:
    query = select(Job).where(
        or_(
            (Job.status == "pending") & (Job.run_after <= now),
            (Job.status == "running") & (Job.locked_at < now - LEASE),
        )
    )
    return query.where(Job.kind.in_(kinds)) if kinds else query


def has_due(factory: sessionmaker[Session], kinds: set[str] | None = None) -> bool:
    """Is a job due? A plain read: an idle worker's poll takes no write lock (SQLite) and no row lock."""
    with read_session(factory) as session:
        query = _due_query(utcnow(), kinds).with_only_columns(Job.id).limit(1)
        return session.execute(query).first() is not None


def _claim(
    factory: sessionmaker[Session], kinds: set[str] | None
) -> tuple[int, str, dict[str, Any], str | None] | None:
    with unit_of_work(factory) as session:
        now = utcnow()
        query = _due_query(now, kinds).order_by(Job.run_after, Job.id).limit(1)
        if is_postgresql(session):
            query = query.with_for_update(skip_locked=True)
        job = session.execute(query).scalar_one_or_none()
        if job is None:
            return None
        job.status, job.locked_at, job.attempts = "running", now, job.attempts + 1
        return job.id, job.kind, dict(job.payload), job.request_id


def _mark_done(session: Session, job_id: int) -> None:
    """Mark the job done in the handler's own transaction: its work and its completion commit together, so a crash
    or stop can never leave work done and the job still queued (or the reverse)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status="done", finished_at=utcnow(), dedupe_key=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


def _settle_failure(factory: sessionmaker[Session], job_id: int, error: BaseException) -> None:
    with unit_of_work(factory) as session:
        job = session.get(Job, job_id)
        if job is None:
            return
        job.last_error = type(error).__name__
        if job.attempts >= job.max_attempts:
            job.status, job.finished_at, job.dedupe_key = "dead", utcnow(), None
        else:
            job.status = "pending"
            job.run_after = utcnow() + timedelta(seconds=min(3600, 2**job.attempts * 5))


def release(factory: sessionmaker[Session], job_id: int) -> None:
    """Give an interrupted job back to the queue as it was before the claim (the attempt does not count). A job
    whose completion already committed stays done."""
    with unit_of_work(factory) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(status="pending", locked_at=None, attempts=Job.attempts - 1, run_after=utcnow())
            .execution_options(synchronize_session=False)
        )
    log.info("job released", extra={"job_id": job_id})


def run_one(
    factory: sessionmaker[Session],
    kinds: set[str] | None = None,
    interruptible: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> bool:
    """Claim and run one due job. Returns False when there was none.

    `interruptible()` surrounds the handler: a stopping worker (`app.jobs.stopping`) may interrupt it there with
    `WorkerStopped`, and the job is released before that propagates."""
    claimed = _claim(factory, kinds)
    if claimed is None:
        return False
    job_id, kind, payload, request_id = claimed
    with job_context(job_id, request_id):
        _run_claimed(factory, job_id, kind, payload, interruptible)
    return True


@contextmanager
def job_context(job_id: int, request_id: str | None) -> Iterator[None]:
    """Log lines, audit events, mails and jobs enqueued while a job runs carry the request id that enqueued it."""
    tokens = (job_id_var.set(job_id), request_id_var.set(request_id))
    try:
        yield
    finally:
        request_id_var.reset(tokens[1])
        job_id_var.reset(tokens[0])


def _run_claimed(
    factory: sessionmaker[Session],
    job_id: int,
    kind: str,
    payload: dict[str, Any],
    interruptible: Callable[[], AbstractContextManager[object]],
) -> None:
    fn = _HANDLERS.get(kind)
    try:
        if fn is None:
            raise LookupError(f"no handler for job kind {kind}")
        with interruptible(), unit_of_work(factory) as session:
            fn(session, payload)
            _mark_done(session, job_id)
    except Exception as exc:
        log.warning("job failed", extra={"job_id": job_id, "kind": kind}, exc_info=exc)
        _settle_failure(factory, job_id, exc)
    except BaseException:
        release(factory, job_id)  # WorkerStopped, KeyboardInterrupt: back to the queue for another worker
        raise


def run_pending(factory: sessionmaker[Session], limit: int | None = None, kinds: set[str] | None = None) -> int:
    """Run due jobs until none is left (or `limit` ran). Used by tests and by `liaison worker --once`."""
    count = 0
    while (limit is None or count < limit) and run_one(factory, kinds):
        count += 1
    return count


IDLE_FIRST_WAIT = 0.1
"""Seconds an idle worker first waits after its last job; the wait doubles up to `poll_seconds`."""


def run_forever(
    factory: sessionmaker[Session],
    *,
    poll_seconds: float = 2.0,
    should_stop: Callable[[], bool] = lambda: False,
    interruptible: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> None:
    """Run jobs as they come due. Idle, the worker sleeps until a job is enqueued in this process (woken at once)
    or its poll comes round; each idle poll is a plain read, and polls back off to `poll_seconds` apart."""
    wait = IDLE_FIRST_WAIT
    while not should_stop():
        try:
            ran = has_due(factory) and run_one(factory, interruptible=interruptible)
        except Exception:
            log.exception("worker loop error")
            ran = False
        if ran:
            wait = IDLE_FIRST_WAIT
            continue
        wait = IDLE_FIRST_WAIT if wakeup.wait(wait) else min(poll_seconds, wait * 2)
