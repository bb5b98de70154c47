"""The unit of work: one transaction per request or job, committed in one place.

Services only `flush()`. The request dependency, a CLI command or a worker opens a unit of work, and its commit
first inserts the audit events the transaction queued, so the change and its record land together or not at all.
The events are inserted unsealed, without any shared lock; the sealer (`app.audit.sealer`) links them into the
hash chain within the configured bound.
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
    _insert_events(session, take_pending(session))
    enqueued = session.info.pop(wakeup.ENQUEUED_KEY, False)
    session.commit()
    if enqueued:
        wakeup.notify()


def rollback(session: Session) -> None:
    take_pending(session)
    session.info.pop(wakeup.ENQUEUED_KEY, None)
    session.rollback()


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, read: bool = False) -> Iterator[Session]:
    """A session whose work is committed on normal exit and rolled back on any exception.

    `read=True` for work that mostly reads (a GET request): on SQLite it takes no write lock until it writes.
    """
    session = new_session(factory, read=read)
    try:
        yield session
        commit(session)
    except BaseException:
        rollback(session)
        raise
    finally:
        session.close()
