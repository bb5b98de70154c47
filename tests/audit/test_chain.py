from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit import Actor, record, sealer
from app.audit.chain import verify
from app.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from app.db import read_session, utcnow
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
                details={"n": i, "text": "Привіт", "ratio": 0.1 * i},
            )


def check(session_factory, **options):
    with read_session(session_factory) as session:
        return verify(session, **options)


def count_events(session_factory) -> int:
    with read_session(session_factory) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_events_are_inserted_unsealed_and_linked_by_the_sealer(session_factory):
    write_events(session_factory, 4)
    with read_session(session_factory) as session:
        assert session.execute(select(AuditEvent.seq)).scalars().all() == [None] * 4
    assert sealer.seal(session_factory) == 4
    with read_session(session_factory) as session:
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        head = session.get(AuditChainHead, 1)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.id for e in events] == sorted(e.id for e in events)  # linked in insertion order
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert head is not None and (head.seq, head.hash) == (4, events[-1].hash)
    result = check(session_factory)
    assert result.ok and result.events_checked == 4 and result.unsealed == 0, result
    assert sealer.seal(session_factory) == 0  # nothing left: sealing again links nothing


def test_unsealed_tail_is_reported_apart_and_overdue_is_an_alarm(session_factory):
    write_events(session_factory, 3)
    sealer.seal(session_factory)
    write_events(session_factory, 2)
    fresh = check(session_factory, max_seal_delay=timedelta(hours=1))
    assert fresh.ok and fresh.events_checked == 3 and fresh.unsealed == 2 and not fresh.unsealed_overdue
    assert fresh.oldest_unsealed_at is not None
    late = check(session_factory, max_seal_delay=timedelta(seconds=1), now=utcnow() + timedelta(seconds=5))
    assert not late.ok and late.unsealed_overdue and late.first_bad_seq is None
    assert "sealer" in (late.reason or "")
    sealer.seal(session_factory)
    assert check(session_factory, now=utcnow() + timedelta(hours=1)).ok


def test_failed_transaction_leaves_neither_change_nor_event(session_factory):
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as session:
        session.add(StaffUser(username="ghost", email="g@x.invalid", full_name="G", password_hash="x", roles=[]))
        session.flush()
        record(session, actor=Actor("tester"), action="user.created", target_type="staff_user")
        raise RuntimeError("boom")
    with read_session(session_factory) as session:
        assert session.execute(select(func.count()).select_from(StaffUser)).scalar_one() == 0
    assert count_events(session_factory) == 0


def test_concurrent_writers_and_two_sealers_never_fork_or_double_link(session_factory):
    """Six writers and two sealers at once (as two worker processes run): every event linked exactly once."""
    done = threading.Event()
    sealed: list[int] = []

    def seal_until_done() -> None:
        while not done.is_set():
            sealed.append(sealer.seal(session_factory, batch=7))
        sealed.append(sealer.seal(session_factory, batch=7))

    writers = [threading.Thread(target=write_events, args=(session_factory, 8, f"t{i}")) for i in range(6)]
    sealers = [threading.Thread(target=seal_until_done) for _ in range(2)]
    for thread in writers + sealers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in sealers:
        thread.join()
    sealer.seal(session_factory)
    result = check(session_factory)
    assert result.ok and result.events_checked == 48 and result.unsealed == 0, result
    assert sum(sealed) == 48  # together the sealers linked each event once
    with read_session(session_factory) as session:
        seqs = session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all()
    assert seqs == list(range(1, 49))


def test_sensitive_detail_values_are_hashed(session_factory):
    with unit_of_work(session_factory) as session:
        record(session, actor=Actor("tester"), action="test.sensitive", details={"phone": "+380501234567", "n": 1})
    with read_session(session_factory) as session:
        event = session.execute(select(AuditEvent)).scalar_one()
    assert event.details["n"] == 1
    assert "380501234567" not in str(event.details)
    assert event.details["phone"].startswith("hmac-sha256:")


def _run(session_factory, statement: str) -> None:
    with unit_of_work(session_factory) as session:
        session.execute(text(statement))


@pytest.mark.backends("postgresql")  # SQLite has no such triggers: there the hash chain alone tells
def test_postgresql_refuses_update_delete_truncate(session_factory, backend):
    write_events(session_factory, 2)
    sealer.seal(session_factory)
    write_events(session_factory, 1)  # one unsealed event too: its content is as untouchable
    for statement in (
        "UPDATE audit_event SET actor = 'x'",
        "UPDATE audit_event SET actor = 'x' WHERE seq IS NULL",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE seq IS NULL",
        "TRUNCATE audit_event",
        "DELETE FROM audit_checkpoint",
        "TRUNCATE audit_checkpoint",
    ):
        with pytest.raises(DBAPIError):
            _run(session_factory, statement)


@pytest.mark.backends("postgresql")
def test_postgresql_lets_only_the_sealer_write_chain_columns(session_factory, backend):
    write_events(session_factory, 1)
    forged = "UPDATE audit_event SET seq = 1, prev_hash = repeat('0', 64), hash = repeat('1', 64)"
    with pytest.raises(DBAPIError, match="append-only"):
        _run(session_factory, forged)
    with pytest.raises(DBAPIError, match="only the sealer"):
        _run(
            session_factory,
            "INSERT INTO audit_event (occurred_at, actor, actor_roles, action, details, seq, prev_hash, hash) "
            "VALUES (now(), 'x', '[]', 'x.y', '{}', 99, repeat('0', 64), repeat('2', 64))",
        )
    with pytest.raises(DBAPIError, match="append-only"):  # even the sealer may not change content
        _run(session_factory, f"SELECT set_config('{sealer.SEALER_FLAG}', 'on', true); {forged}, actor = 'x'")
    assert sealer.seal(session_factory) == 1
    with pytest.raises(DBAPIError, match="append-only"):  # nor re-link a sealed event
        _run(session_factory, f"SELECT set_config('{sealer.SEALER_FLAG}', 'on', true); UPDATE audit_event SET seq = 5")
    assert check(session_factory).ok


def _tamper(db_url: str, backend: str, *statements: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(text(statement))
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    engine.dispose()


def _sealed_chain(session_factory, count: int = 6) -> None:
    write_events(session_factory, count)
    sealer.seal(session_factory)
    assert check(session_factory).ok


def test_verify_names_the_tampered_event(session_factory, db_url, backend):
    _sealed_chain(session_factory)
    _tamper(db_url, backend, "UPDATE audit_event SET actor = 'intruder' WHERE seq = 4")
    result = check(session_factory)
    assert not result.ok and result.first_bad_seq == 4 and "content" in (result.reason or "")


def test_verify_detects_a_deleted_event(session_factory, db_url, backend):
    _sealed_chain(session_factory)
    _tamper(db_url, backend, "DELETE FROM audit_event WHERE seq = 3")
    result = check(session_factory)
    assert not result.ok and result.first_bad_seq == 3


def test_verify_detects_removed_tail(session_factory, db_url, backend):
    _sealed_chain(session_factory, 3)
    _tamper(db_url, backend, "DELETE FROM audit_event WHERE seq = 3")
    result = check(session_factory)
    assert not result.ok and result.first_bad_seq == 3 and "removed" in (result.reason or "")


def test_verify_detects_an_inserted_event(session_factory, db_url, backend):
    _sealed_chain(session_factory)
    # Make room after seq 2 and insert an event there, linked to seq 2 as a forger would.
    _tamper(
        db_url,
        backend,
        "UPDATE audit_event SET seq = seq + 100 WHERE seq > 2",
        "UPDATE audit_event SET seq = seq - 99 WHERE seq > 100",
        "INSERT INTO audit_event (occurred_at, actor, actor_roles, action, details, seq, prev_hash, hash) "
        "SELECT occurred_at, 'forger', actor_roles, action, details, 3, hash, 'f' || substr(hash, 2) "
        "FROM audit_event WHERE seq = 2",
    )
    result = check(session_factory)
    assert not result.ok and result.first_bad_seq == 3


def test_verify_detects_reordered_events(session_factory, db_url, backend):
    _sealed_chain(session_factory)
    _tamper(
        db_url,
        backend,
        "UPDATE audit_event SET seq = 100 WHERE seq = 4",
        "UPDATE audit_event SET seq = 4 WHERE seq = 5",
        "UPDATE audit_event SET seq = 5 WHERE seq = 100",
    )
    result = check(session_factory)
    assert not result.ok and result.first_bad_seq == 4


def test_signed_checkpoint_exposes_a_rewritten_history(session_factory, db_url, backend):
    """Someone who rewrites an event AND recomputes every hash and the head is still caught by a checkpoint."""
    _sealed_chain(session_factory, 4)
    with unit_of_work(session_factory) as session:
        checkpoint = sealer.checkpoint_now(session)
        assert checkpoint.seq == 4
    assert check(session_factory).checkpoints_checked == 1
    # Rewrite event 2 and re-chain everything after it with the public algorithm.
    from app.audit.chain import canonical_content, hash_of

    engine = create_engine(db_url)
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_event SET actor = 'rewritten' WHERE seq = 2"))
    engine.dispose()
    with unit_of_work(session_factory) as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        prev = "0" * 64
        for event in rows:
            event.prev_hash = prev
            content = canonical_content(event)
            event.prev_hash, event.hash = prev, hash_of(prev, content)
            prev = event.hash
        session.get(AuditChainHead, 1).hash = prev  # type: ignore[union-attr]
    result = check(session_factory)
    assert not result.ok and "rewritten" in (result.reason or "") and result.first_bad_seq == 4


def test_sealer_stores_signed_checkpoints_while_events_arrive(session_factory, settings):
    settings.audit.checkpoint_interval_seconds = 1
    write_events(session_factory, 2)
    sealer.seal(session_factory)
    with read_session(session_factory) as session:
        stored = session.execute(select(AuditCheckpoint)).scalars().all()
    assert [c.seq for c in stored] == [2]
    assert check(session_factory).checkpoints_checked == 1


def test_cli_audit_verify_reports_tail_and_exit_code_follows_the_chain(session_factory, db_url, backend, tmp_path):
    write_events(session_factory, 3)
    env = {"LIAISON_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin", "LIAISON_AUDIT__MAX_SEAL_DELAY_SECONDS": "3600"}
    command = [sys.executable, "-m", "app.cli", "audit"]
    unsealed = subprocess.run([*command, "verify"], env=env, capture_output=True, text=True, check=False)
    assert unsealed.returncode == 0, unsealed.stderr
    assert "unsealed tail: 3 events" in unsealed.stdout
    published = subprocess.run([*command, "checkpoint"], env=env, capture_output=True, text=True, check=True)
    checkpoint = json.loads(published.stdout)
    assert checkpoint["seq"] == 3 and checkpoint["algorithm"] == "ed25519"
    (tmp_path / "checkpoint.json").write_text(published.stdout)
    ok = subprocess.run(
        [*command, "verify", "--checkpoint", str(tmp_path / "checkpoint.json"), "--public-key",
         checkpoint["public_key"]],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "sealed: 3 events verified" in ok.stdout and "held by the chain" in ok.stdout
    _tamper(db_url, backend, "UPDATE audit_event SET actor = 'intruder' WHERE seq = 2")
    bad = subprocess.run([*command, "verify"], env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "seq=2" in bad.stderr
    forged = {**checkpoint, "head_hash": "f" * 64}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    refused = subprocess.run(
        [*command, "verify", "--checkpoint", str(tmp_path / "forged.json")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 1 and "no valid signature" in refused.stderr


def test_audit_endpoints_filter_and_verify(client, make_staff, session_factory, settings):
    settings.audit.max_seal_delay_seconds = 3600  # a slow machine must not turn the fresh tail into an alarm
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
    assert page.json()["items"][0]["seq"] is None  # not sealed yet: no sealer runs in this test
    prefix = client.get("/api/v1/audit/events", params={"action": "user."}, headers=auditor.headers).json()
    assert prefix["total"] == 3  # the two fixtures' users and the new one
    sealer.seal(session_factory)
    write_events(session_factory, 1)  # recorded after sealing: the tail
    report = client.get("/api/v1/audit/verify", headers=auditor.headers).json()
    assert report["ok"] is True and report["events_checked"] >= 3
    assert report["unsealed"] == 1 and report["unsealed_overdue"] is False
    assert client.get("/api/v1/audit/events", headers=admin.headers).status_code == 403


def test_audit_events_reject_naive_timestamps(client, make_staff):
    auditor = make_staff("auditor")
    response = client.get("/api/v1/audit/events", params={"since": "2026-01-01T00:00:00"}, headers=auditor.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "since"


def test_events_stored_in_another_json_form_verify_by_the_definition(session_factory, db_url, backend):
    """Rows written before JSON was stored canonically (spaces, escaped Cyrillic) still verify, and still fail
    when changed: the fast path falls back to parsing and re-encoding."""
    import hashlib

    from app.audit.chain import GENESIS_HASH, canonical_values

    occurred = utcnow().replace(microsecond=123456)
    details = {"b": "Привіт", "a": [1, 2.5]}
    content = canonical_values(
        (1, occurred, "legacy", ["operator"], "old.event", None, None, None, None, None, details, GENESIS_HASH)
    )
    digest = hashlib.sha256(GENESIS_HASH.encode() + b"\n" + content).hexdigest()
    stamp = occurred.strftime("%Y-%m-%d %H:%M:%S.%f") if backend == "sqlite" else occurred.isoformat()
    insert = (
        "INSERT INTO audit_event (occurred_at, actor, actor_roles, action, details, seq, prev_hash, hash) VALUES "
        f"('{stamp}', 'legacy', '[\"operator\"]', 'old.event', '{json.dumps(details)}', 1, '{GENESIS_HASH}', "
        f"'{digest}')"
    )
    _tamper(db_url, backend, insert, f"UPDATE audit_chain_head SET seq = 1, hash = '{digest}'")
    assert check(session_factory).ok
    _tamper(db_url, backend, 'UPDATE audit_event SET details = \'{"a": [1, 2.5], "b": "x"}\' WHERE seq = 1')
    assert check(session_factory).first_bad_seq == 1
