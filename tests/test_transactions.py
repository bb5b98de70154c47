"""Transaction modes: reads take no write lock on SQLite, and a read that ends up writing never fails half way."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from app.audit import Actor, record
from app.audit.models import AuditEvent
from app.db import read_session
from app.staff.models import StaffUser
from app.transaction import unit_of_work


def _add_user(session_factory, name: str) -> None:
    with unit_of_work(session_factory) as session:
        session.add(StaffUser(username=name, email=f"{name}@x.invalid", full_name=name, password_hash="x", roles=[]))


def test_a_writer_commits_while_a_read_transaction_is_open(session_factory, backend):
    """With every transaction IMMEDIATE, this writer would wait out busy_timeout behind the open read."""
    with read_session(session_factory) as session:
        assert session.execute(select(func.count()).select_from(StaffUser)).scalar_one() == 0
        writer = threading.Thread(target=_add_user, args=(session_factory, "writer"))
        writer.start()
        writer.join(timeout=20)
        assert not writer.is_alive(), "the writer waited for the reader"
    with read_session(session_factory) as session:
        assert session.execute(select(StaffUser.username)).scalars().all() == ["writer"]


def test_a_read_that_writes_after_another_commit_does_not_fail(session_factory, backend):
    """The read's snapshot is older than the other writer's commit: writing on it would be SQLITE_BUSY_SNAPSHOT."""
    with unit_of_work(session_factory, read=True) as session:
        assert session.execute(select(func.count()).select_from(StaffUser)).scalar_one() == 0
        _add_user(session_factory, "meanwhile")  # another connection commits after our snapshot began
        record(session, actor=Actor("reader"), action="test.read")
        session.add(StaffUser(username="late", email="late@x.invalid", full_name="L", password_hash="x", roles=[]))
    with read_session(session_factory) as session:
        assert set(session.execute(select(StaffUser.username)).scalars()) == {"meanwhile", "late"}
        assert session.execute(select(AuditEvent.action)).scalars().all() == ["test.read"]


@pytest.mark.backends("sqlite")
def test_sqlite_pragmas_and_modes(session_factory, backend):
    with read_session(session_factory) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL
    with unit_of_work(session_factory) as writer:
        writer.execute(select(1))
        # An IMMEDIATE transaction holds the write lock from its first statement: a second writer must wait.
        assert writer.connection().info["deferred"] is False
    with read_session(session_factory) as reader:
        reader.execute(select(1))
        assert reader.connection().info["deferred"] is True


def test_a_read_that_writes_inside_a_savepoint_does_not_fail(session_factory, backend):
    with unit_of_work(session_factory, read=True) as session:
        assert session.execute(select(func.count()).select_from(StaffUser)).scalar_one() == 0
        _add_user(session_factory, "meanwhile")
        with session.begin_nested():
            session.add(StaffUser(username="nested", email="n@x.invalid", full_name="N", password_hash="x", roles=[]))
    with read_session(session_factory) as session:
        assert set(session.execute(select(StaffUser.username)).scalars()) == {"meanwhile", "nested"}
