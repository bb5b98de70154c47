from __future__ import annotations

import itertools
import subprocess
import sys
import threading

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit import Actor, record
from app.audit.chain import verify
from app.audit.models import AuditEvent
from app.staff.models import StaffUser
from app.transaction import unit_of_work


def write_events(session_factory, count: int, actor: str = "tester") -> None:
    for i in range(count):
        with unit_of_work(session_factory) as session:
            record(
                session,
                actor=Actor(actor, ("operator",)),
                action="test.happened",
                target_type="thing",
                target_id=i,
                details={"n": i, "text": "Привіт"},
            )


def test_verify_on_untouched_chain_succeeds(session_factory):
    write_events(session_factory, 5)
    with unit_of_work(session_factory) as session:
        result = verify(session)
    assert result.ok and result.events_checked == 5


def test_events_are_gapless_and_linked(session_factory):
    write_events(session_factory, 4)
    with unit_of_work(session_factory) as session:
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))


def test_failed_transaction_leaves_neither_change_nor_event(session_factory):
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as session:
        session.add(StaffUser(username="ghost", email="g@x.invalid", full_name="G", password_hash="x", roles=[]))
        session.flush()
        record(session, actor=Actor("tester"), action="user.created", target_type="staff_user")
        raise RuntimeError("boom")
    with unit_of_work(session_factory) as session:
        assert session.execute(select(func.count()).select_from(StaffUser)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0


def test_concurrent_writers_never_fork_the_chain(session_factory):
    threads = [threading.Thread(target=write_events, args=(session_factory, 5, f"t{i}")) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with unit_of_work(session_factory) as session:
        result = verify(session)
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 30
    assert result.ok, result


def test_sensitive_detail_values_are_hashed(session_factory):
    with unit_of_work(session_factory) as session:
        record(session, actor=Actor("tester"), action="test.sensitive", details={"phone": "+380501234567", "n": 1})
    with unit_of_work(session_factory) as session:
        event = session.execute(select(AuditEvent)).scalar_one()
    assert event.details["n"] == 1
    assert "380501234567" not in str(event.details)
    assert event.details["phone"].startswith("hmac-sha256:")


@pytest.mark.backends("postgresql")  # SQLite has no such triggers: there the hash chain alone tells
def test_postgresql_refuses_update_delete_truncate(session_factory, backend):
    write_events(session_factory, 1)
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event"):
        with pytest.raises(DBAPIError), unit_of_work(session_factory) as session:
            session.execute(text(statement))


def _tamper(db_url: str, backend: str, seq: int) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET actor = 'intruder' WHERE seq = :seq"), {"seq": seq})
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update"))
    engine.dispose()


def test_verify_names_the_tampered_event(session_factory, db_url, backend):
    write_events(session_factory, 6)
    _tamper(db_url, backend, 4)
    with unit_of_work(session_factory) as session:
        result = verify(session)
    assert not result.ok
    assert result.first_bad_seq == 4


def test_verify_detects_removed_tail(session_factory, db_url, backend):
    write_events(session_factory, 3)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
        conn.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    engine.dispose()
    with unit_of_work(session_factory) as session:
        assert not verify(session).ok


def test_cli_audit_verify_exit_code_follows_the_chain(session_factory, db_url, backend):
    write_events(session_factory, 3)
    env = {"LIAISON_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "app.cli", "audit", "verify"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    _tamper(db_url, backend, 2)
    bad = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "seq=2" in bad.stderr


def test_audit_endpoints_filter_and_verify(client, make_staff):
    auditor, admin = make_staff("auditor"), make_staff("admin")
    client.post(
        "/api/v1/admin/users",
        headers=admin.headers,
        json={
            "username": "new-op",
            "email": "new-op@example.org",
            "full_name": "New Op",
            "password": "a long enough password",
            "roles": ["operator"],
        },
    )
    page = client.get(
        "/api/v1/audit/events", params={"action": "user.created", "actor": admin.id}, headers=auditor.headers
    )
    assert page.status_code == 200
    assert page.json()["total"] == 1
    assert page.json()["items"][0]["details"]["username"] == "new-op"
    prefix = client.get("/api/v1/audit/events", params={"action": "user."}, headers=auditor.headers).json()
    assert prefix["total"] == 3  # the two fixtures' users and the new one
    assert client.get("/api/v1/audit/verify", headers=auditor.headers).json()["ok"] is True
    assert client.get("/api/v1/audit/events", headers=admin.headers).status_code == 403


def test_audit_events_reject_naive_timestamps(client, make_staff):
    auditor = make_staff("auditor")
    response = client.get("/api/v1/audit/events", params={"since": "2026-01-01T00:00:00"}, headers=auditor.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "since"
