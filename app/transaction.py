"""The unit of work: one transaction per request or job, committed in one place.

Services only `flush()`. The request dependency, a CLI command or a worker opens a unit of work, and its commit
first inserts the audit events the transaction queued, so the change and its record land together or not at all.
The events are inserted unsealed, without any shared lock; the sealer (`app.audit.sealer`) links them into the
hash chain within the configured bound.

The rule has two documented forms and no exceptions (`tests/test_architecture.py` finds any other commit in `app/`):

* a refused request normally leaves nothing behind; a service whose refusal must leave a trace (a failed sign-in
  counts towards throttling, a denied route is audited) calls `keep_when_refused(session)` before raising its
  `DomainError`, and the unit of work commits instead of rolling back. Any other exception still rolls back;
* a job that works through many rows inside its unit of work ends each batch with `commit_batch(session)` (or drops
  it with `rollback_batch`), so a crash loses one batch and SQLite's write lock is never held for long.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app import wakeup
from app.audit.models import AuditEvent
from app.audit.service import take_pending
from app.db import new_session
from app.errors import DomainError

KEEP_WHEN_REFUSED = "keep_when_refused"

_INSERT_EVENTS = AuditEvent.__table__.insert()  # type: ignore[attr-defined]
_EVENT_COLUMNS = (
    "occurred_at",
    "actor",
    "actor_roles",
    "action",
    "target_type",
    "target_id",
    "request_id",
    "client_ip",
    "user_agent",
    "details",
)


def _insert_events(session: Session, events: list[AuditEvent]) -> None:
    if not events:
        return
    session.flush()  # the effect first: a constraint it breaks fails before its record is written
    rows: list[dict[str, Any]] = [{name: getattr(event, name) for name in _EVENT_COLUMNS} for event in events]
    session.connection().execute(_INSERT_EVENTS, rows)


def commit(session: Session) -> None:
    """The unit of work's commit. Application code never calls it directly (see the module docstring)."""
    session.info.pop(KEEP_WHEN_REFUSED, None)
    _insert_events(session, take_pending(session))
    enqueued = session.info.pop(wakeup.ENQUEUED_KEY, False)
    session.commit()
    if enqueued:
        wakeup.notify()


def rollback(session: Session) -> None:
    session.info.pop(KEEP_WHEN_REFUSED, None)
    take_pending(session)
    session.info.pop(wakeup.ENQUEUED_KEY, None)
    session.rollback()


def keep_when_refused(session: Session) -> None:
    """Keep this transaction's changes although the request is about to be refused with a `DomainError`."""
    session.info[KEEP_WHEN_REFUSED] = True


def end(session: Session, error: BaseException) -> None:
    """After an exception: commit a refusal whose changes are to be kept, roll back anything else."""
    if isinstance(error, DomainError) and session.info.get(KEEP_WHEN_REFUSED):
        commit(session)
    else:
        rollback(session)


def commit_batch(session: Session) -> None:
    """The job-batch form: commit the batch just done (with its audit events); the next batch starts afresh."""
    commit(session)


def rollback_batch(session: Session) -> None:
    """The job-batch form: drop the batch in progress (and its queued audit events)."""
    rollback(session)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, read: bool = False) -> Iterator[Session]:
    """A session whose work is committed on normal exit and rolled back on any exception.

    `read=True` for work that mostly reads (a GET request): on SQLite it takes no write lock until it writes.
    """
    session = new_session(factory, read=read)
    try:
        yield session
        commit(session)
    except BaseException as exc:
        end(session, exc)
        raise
    finally:
        session.close()
