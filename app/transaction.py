"""The unit of work: one transaction per request or job, committed in one place.

Services only `flush()`. The request dependency, a CLI command or a worker opens a unit of work, and its commit
first chains in the audit events the transaction queued, so the change and its record land together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from app.audit import chain
from app.audit.service import take_pending


def commit(session: Session) -> None:
    chain.append(session, take_pending(session))
    session.commit()


def rollback(session: Session) -> None:
    take_pending(session)
    session.rollback()


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on normal exit and rolled back on any exception."""
    session = factory()
    try:
        yield session
        commit(session)
    except BaseException:
        rollback(session)
        raise
    finally:
        session.close()
