"""The unit of work: commit on success, roll back on failure, keep a refusal's changes only when asked to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Unauthorized
from app.jobs.models import Job
from app.transaction import keep_when_refused, unit_of_work


def _add_job(session, kind: str) -> None:
    session.add(Job(kind=kind, payload={}))
    session.flush()


def _kinds(session_factory) -> list[str]:
    with unit_of_work(session_factory) as session:
        return list(session.execute(select(Job.kind).order_by(Job.kind)).scalars())


def test_refusal_rolls_back_unless_its_changes_are_kept(session_factory, backend):
    with pytest.raises(Unauthorized), unit_of_work(session_factory) as session:
        _add_job(session, "refused.dropped")
        raise Unauthorized("no")
    with pytest.raises(Unauthorized), unit_of_work(session_factory) as session:
        _add_job(session, "refused.kept")
        keep_when_refused(session)
        raise Unauthorized("no")
    assert _kinds(session_factory) == ["refused.kept"]


def test_a_crash_rolls_back_even_when_a_refusal_asked_to_keep(session_factory, backend):
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as session:
        _add_job(session, "crashed")
        keep_when_refused(session)
        raise RuntimeError("not a refusal")
    assert _kinds(session_factory) == []


def test_failed_staff_sign_in_is_kept_through_the_request(client, make_staff, db_session, backend):
    from app.audit.models import AuditEvent

    staff = make_staff("operator")
    response = client.post("/api/v1/auth/token", data={"username": staff.user.username, "password": "wrong-password"})
    assert response.status_code == 401
    actions = db_session.execute(select(AuditEvent.action)).scalars().all()
    assert "auth.login_failed" in actions
