"""Acceptance 5 and the rest of object- and field-level access: out of scope is 404, never 403; operators never
receive internal notes; mistyped references are 422; reads of the full record are audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.cases.factories import assign, change, etag, move, open_case


def _add_note(client, staff, reference, body, visibility):
    response = client.post(
        f"/api/v1/cases/{reference}/notes", json={"body": body, "visibility": visibility}, headers=staff.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_case_outside_an_officers_scope_is_404_everywhere(client, make_staff, backend):
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    mine, theirs = make_staff("case_officer"), make_staff("case_officer")
    reference = open_case(client, operator)
    assert assign(client, supervisor, reference, theirs.id).status_code == 200

    assert client.get(f"/api/v1/cases/{reference}", headers=mine.headers).status_code == 404
    for path in ("", "/timeline", "/contacts", "/notes", "/proposals"):
        response = client.get(f"/api/v1/cases/{reference}{path}", headers=mine.headers)
        assert response.status_code == 404, (path, response.status_code)
        assert response.json()["type"] == "/problems/not-found"
    moved = client.post(
        f"/api/v1/cases/{reference}/transitions",
        json={"to_state": "searching", "reason": "x"},
        headers=change(mine, '"2"'),
    )
    assert moved.status_code == 404
    assert client.get("/api/v1/cases", headers=mine.headers).json()["total"] == 0
    assert client.get("/api/v1/inquiries", headers=mine.headers).json()["total"] == 0
    assert client.get(f"/api/v1/cases/{reference}", headers=theirs.headers).status_code == 200


def test_unassigned_cases_are_in_every_officers_scope(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    assert client.get(f"/api/v1/cases/{reference}", headers=officer.headers).json()["view"] == "full"


def test_operator_never_receives_internal_notes(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    _add_note(client, officer, reference, "SECRET: registry entry 4471 looks like him", "internal")
    _add_note(client, officer, reference, "Mother prefers calls after 18:00", "staff")

    case = client.get(f"/api/v1/cases/{reference}", headers=operator.headers)
    assert case.status_code == 200
    assert case.json()["view"] == "status"
    assert "notes" not in case.json()
    assert "SECRET" not in case.text
    notes = client.get(f"/api/v1/cases/{reference}/notes", headers=operator.headers)
    assert [n["body"] for n in notes.json()["items"]] == ["Mother prefers calls after 18:00"]
    assert "SECRET" not in notes.text
    timeline = client.get(f"/api/v1/cases/{reference}/timeline", headers=operator.headers)
    assert timeline.status_code == 403
    assert "SECRET" not in client.get("/api/v1/cases", headers=operator.headers).text

    full = client.get(f"/api/v1/cases/{reference}", headers=officer.headers).json()
    assert {n["visibility"] for n in full["notes"]} == {"internal", "staff"}
    assert client.get(f"/api/v1/cases/{reference}/notes", headers=officer.headers).json()["total"] == 2


def test_operator_cannot_write_notes_or_move_cases(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    note = client.post(f"/api/v1/cases/{reference}/notes", json={"body": "x"}, headers=operator.headers)
    assert note.status_code == 403
    assert move(client, operator, reference, "searching").status_code == 403


def test_coordinator_sees_only_cases_in_a_handover_state(client, make_staff, backend):
    operator, coordinator = make_staff("operator"), make_staff("coordinator")
    reference = open_case(client, operator)
    assert client.get(f"/api/v1/cases/{reference}", headers=coordinator.headers).status_code == 404
    assert client.get("/api/v1/cases", headers=coordinator.headers).json()["total"] == 0


def test_admin_has_no_case_work(client, make_staff, backend):
    operator, admin = make_staff("operator"), make_staff("admin")
    reference = open_case(client, operator)
    assert client.get(f"/api/v1/cases/{reference}", headers=admin.headers).status_code == 403
    assert client.get("/api/v1/inquiries", headers=admin.headers).status_code == 403


def test_auditor_reads_everything_and_changes_nothing(client, make_staff, backend):
    operator, auditor = make_staff("operator"), make_staff("auditor")
    reference = open_case(client, operator)
    assert client.get(f"/api/v1/cases/{reference}", headers=auditor.headers).json()["view"] == "full"
    assert client.get(f"/api/v1/cases/{reference}/timeline", headers=auditor.headers).status_code == 200
    assert move(client, auditor, reference, "searching").status_code == 403


def test_mistyped_reference_is_422_and_an_unknown_one_404(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    body = reference[3:7] + reference[8:12]
    typo = body[:2] + ("X" if body[2] != "X" else "Y") + body[3:]
    mistyped = client.get(f"/api/v1/cases/PW-{typo[:4]}-{typo[4:]}-{reference[-1]}", headers=operator.headers)
    assert mistyped.status_code == 422
    assert mistyped.json()["type"] == "/problems/invalid-reference"
    assert mistyped.json()["errors"][0]["parameter"] == "reference"
    assert client.get("/api/v1/cases/PW-12", headers=operator.headers).status_code == 422
    assert client.get("/api/v1/cases/PW-0000-0000-0", headers=operator.headers).status_code == 404
    relaxed = reference.lower().replace("-", " ").replace("0", "o")
    assert client.get(f"/api/v1/cases/{relaxed}", headers=operator.headers).json()["reference"] == reference


def test_reads_of_the_case_record_are_audited(client, make_staff, db_session, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    client.get(f"/api/v1/cases/{reference}", headers=officer.headers)
    client.get(f"/api/v1/cases/{reference}", headers=operator.headers)
    client.get(f"/api/v1/cases/{reference}/timeline", headers=officer.headers)
    events = db_session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    db_session.rollback()
    viewed = [(e.actor, e.details) for e in events if e.action == "case.viewed"]
    assert viewed == [(officer.id, {"view": "full"}), (operator.id, {"view": "status"})]
    assert any(e.action == "case.timeline_viewed" and e.actor == officer.id for e in events)
    created = next(e for e in events if e.action == "inquiry.created")
    assert "Иванова" not in json.dumps(created.details, ensure_ascii=False)
    assert "+7916" not in json.dumps(created.details)
    assert created.details["requester_phone"].startswith("hmac-sha256:")


def test_etag_comes_with_the_status_view_too(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    assert etag(client, operator, reference) == '"1"'
