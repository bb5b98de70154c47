"""Regression tests for the object-scope gaps an outside review found (issue 14, gaps 1-6; gap 7 lives with the
other token attacks in tests/auth/test_jwt_attacks.py). Each failed before its fix."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.cases.factories import assign
from tests.portal.factories import make_family
from tests.portal.helpers import arrange


def _assigned_elsewhere(session_factory, client, make_staff):
    """A case assigned to one officer, a second officer who must not reach it, and the case's requester."""
    supervisor, owner, outsider = make_staff("supervisor"), make_staff("case_officer"), make_staff("case_officer")
    case, inquiry, _ = arrange(session_factory, lambda s: make_family(s))
    assert assign(client, supervisor, case.reference, owner.id).status_code == 200
    return case, inquiry, owner, outsider


def _actions(session_factory, action: str) -> list[AuditEvent]:
    with session_factory() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


# Gap 1: portal-access routes go through the scoped case lookup.


def test_officer_cannot_reissue_revoke_or_read_portal_access_of_a_case_outside_scope(
    client, session_factory, make_staff, backend
):
    case, inquiry, owner, outsider = _assigned_elsewhere(session_factory, client, make_staff)
    code_url = f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code"
    summary_url = f"/api/v1/cases/{case.reference}/portal-access"
    assert client.get(f"/api/v1/cases/{case.reference}", headers=outsider.headers).status_code == 404
    issued_before = len(_actions(session_factory, "portal.access_code_issued"))

    for response in (
        client.post(code_url, headers=outsider.headers),
        client.delete(code_url, headers=outsider.headers),
        client.get(summary_url, headers=outsider.headers),
    ):
        assert response.status_code == 404, response.text
        assert "access_code" not in response.text
    assert len(_actions(session_factory, "portal.access_code_issued")) == issued_before
    # The officer the case belongs to still can.
    assert client.get(summary_url, headers=owner.headers).status_code == 200
    assert client.post(code_url, headers=owner.headers).status_code == 201


def test_coordinator_reads_portal_access_only_of_cases_in_a_handover_state(
    client, session_factory, make_staff, backend
):
    searching, _, _ = arrange(session_factory, lambda s: make_family(s, state="searching"))
    planned, _, _ = arrange(session_factory, lambda s: make_family(s, state="handover_planned"))
    coordinator = make_staff("coordinator")
    assert (
        client.get(f"/api/v1/cases/{searching.reference}/portal-access", headers=coordinator.headers).status_code == 404
    )
    assert (
        client.get(f"/api/v1/cases/{planned.reference}/portal-access", headers=coordinator.headers).status_code == 200
    )
