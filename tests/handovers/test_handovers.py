"""Requesting handovers: eligibility by case outcome, travellers and their restricted identity documents."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Permission, permissions_for
from app.auth.principals import StaffPrincipal
from app.errors import Forbidden
from app.handovers import service
from app.handovers.schemas import HandoverCreate, HandoverWithDocumentsOut, TravellerIn
from tests.handovers.factories import change, fresh, handover_url, if_match, make_case, request_handover

TRAVELLER = {
    "full_name": "Olena Testova",
    "relationship": "mother",
    "phone": "+380 44 123 4567",
    "document_type": "passport",
    "document_number": "FA123456",
    "document_expires_on": "2031-01-01",
}


ELIGIBILITY = [
    ("released", None, "release_to_family", {}, 201),
    ("deceased", None, "remains_repatriation", {}, 201),
    ("in_captivity", None, "release_to_family", {"agreed_release_reference": "EXCH-2026-14"}, 201),
    ("released", "family_informed", "release_to_family", {}, 201),
    ("in_captivity", None, "release_to_family", {}, 422),
    ("deceased", None, "release_to_family", {}, 409),
    ("released", None, "remains_repatriation", {}, 409),
    ("not_found", None, "release_to_family", {}, 409),
    (None, "searching", "release_to_family", {}, 409),
    ("released", "closed", "release_to_family", {}, 409),
]


def test_request_handover_allowed_only_for_suitable_outcome(client, make_staff, session_factory):
    coordinator = make_staff("coordinator")
    for outcome, state, kind, extra, status in ELIGIBILITY:
        case_id = make_case(session_factory, outcome=outcome, state=state)
        response = client.post(
            "/api/v1/handovers", json={"case_id": str(case_id), "type": kind, **extra}, headers=coordinator.headers
        )
        assert response.status_code == status, (outcome, state, kind, response.text)
        if status == 409:
            assert response.json()["type"] == "/problems/case-wrong-state"


def test_request_second_open_handover_for_case_conflict(client, make_staff, session_factory):
    coordinator = make_staff("coordinator")
    case_id = make_case(session_factory)
    first = request_handover(client, coordinator, case_id)
    response = client.post(
        "/api/v1/handovers", json={"case_id": str(case_id), "type": "release_to_family"}, headers=coordinator.headers
    )
    assert response.status_code == 409
    assert change(client, coordinator, first["id"], "cancel", {"reason": "duplicate"}).status_code == 200
    request_handover(client, coordinator, case_id)


def test_request_handover_unknown_case_not_found_and_operator_forbidden(client, make_staff, session_factory):
    coordinator, operator = make_staff("coordinator"), make_staff("operator")
    body = {"case_id": str(uuid.uuid4()), "type": "release_to_family"}
    assert client.post("/api/v1/handovers", json=body, headers=coordinator.headers).status_code == 404
    body["case_id"] = str(make_case(session_factory))
    assert client.post("/api/v1/handovers", json=body, headers=operator.headers).status_code == 403
    assert client.get("/api/v1/handovers", headers=operator.headers).status_code == 403


def test_travellers_documents_shown_to_permitted_roles_and_reads_audited(
    client, make_staff, session_factory, db_session
):
    coordinator, auditor = make_staff("coordinator"), make_staff("auditor")
    handover = request_handover(client, coordinator, make_case(session_factory), travellers=[TRAVELLER])
    assert handover["travellers"][0]["document_number"] == "FA123456"
    assert handover["travellers"][0]["phone"] == "+380441234567"

    response = client.get(f"/api/v1/handovers/{handover['id']}", headers=auditor.headers)
    assert response.status_code == 200
    assert response.json()["travellers"][0]["document_expires_on"] == "2031-01-01"
    reads = (
        db_session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "handover.traveller_documents_read", AuditEvent.target_id == handover["id"]
            )
        )
        .scalars()
        .all()
    )
    assert {r.actor for r in reads} >= {auditor.id, coordinator.id}
    created = db_session.execute(
        select(AuditEvent).where(AuditEvent.action == "handover.requested", AuditEvent.target_id == handover["id"])
    ).scalar_one()
    assert "FA123456" not in str(created.details) and "+380441234567" not in str(created.details)
    db_session.rollback()

    url = handover_url(handover["id"])
    response = client.post(
        f"{url}/travellers", json={**TRAVELLER, "document_number": "x"}, headers=if_match(coordinator, handover)
    )
    assert response.status_code == 422
    traveller_id = handover["travellers"][0]["id"]
    headers = if_match(coordinator, handover)
    response = client.patch(f"{url}/travellers/{traveller_id}", json={"document_number": "FB000111"}, headers=headers)
    assert response.status_code == 200 and response.json()["document_number"] == "FB000111"
    assert response.headers["ETag"] == f'"{handover["version"] + 1}"'  # travellers are part of the handover
    changed = db_session.execute(
        select(AuditEvent).where(AuditEvent.action == "handover.traveller_updated")
    ).scalar_one()
    assert changed.details["changes"]["document_number"]["new"].startswith("hmac-sha256:")
    db_session.rollback()
    stale = client.delete(f"{url}/travellers/{traveller_id}", headers=if_match(coordinator, handover))
    assert stale.status_code == 412
    response = client.delete(f"{url}/travellers/{traveller_id}", headers=fresh(client, coordinator, url))
    assert response.status_code == 204
    assert client.get(f"/api/v1/handovers/{handover['id']}", headers=auditor.headers).json()["travellers"] == []


def _principal(*permissions: Permission) -> StaffPrincipal:
    return StaffPrincipal(uuid.uuid4(), "someone", ("custom",), frozenset(permissions), uuid.uuid4())


def test_travellers_documents_hidden_without_permission(client, make_staff, session_factory, db_session):
    """No shipped role has HANDOVER_READ without the documents permission; a principal built with it proves the
    field-level rule: the response schema without documents, and recording documents is refused."""
    coordinator = make_staff("coordinator")
    handover = request_handover(client, coordinator, make_case(session_factory), travellers=[TRAVELLER])
    other_case = make_case(session_factory)
    reader = _principal(Permission.HANDOVER_READ)
    out = service.read_handover(db_session, principal=reader, handover_id=uuid.UUID(handover["id"]))
    assert not isinstance(out, HandoverWithDocumentsOut)
    assert "document_number" not in out.model_dump()["travellers"][0]
    writer = _principal(Permission.HANDOVER_MANAGE)
    data = HandoverCreate(case_id=other_case, type="release_to_family", travellers=[TravellerIn(**TRAVELLER)])
    with pytest.raises(Forbidden):
        service.create_handover(db_session, principal=writer, data=data)
    db_session.rollback()
    assert Permission.HANDOVER_TRAVELLER_DOCUMENTS in permissions_for(["coordinator"])
    assert Permission.HANDOVER_TRAVELLER_DOCUMENTS not in permissions_for(["operator", "case_officer", "admin"])


def test_update_handover_and_list_filters(client, make_staff, session_factory):
    coordinator = make_staff("coordinator")
    first = request_handover(client, coordinator, make_case(session_factory))
    request_handover(client, coordinator, make_case(session_factory, outcome="deceased"), type="remains_repatriation")
    url = handover_url(first["id"])
    response = client.patch(url, json={"contact_phone": "+48 22 123 45 67"}, headers=if_match(coordinator, first))
    assert response.json()["contact_phone"] == "+48221234567"
    assert client.patch(url, json={"state": "completed"}, headers=fresh(client, coordinator, url)).status_code == 422
    listing = client.get("/api/v1/handovers", params={"type": "remains_repatriation"}, headers=coordinator.headers)
    assert listing.json()["total"] == 1
    listing = client.get("/api/v1/handovers", params={"case_id": first["case_id"]}, headers=coordinator.headers)
    assert [h["id"] for h in listing.json()["items"]] == [first["id"]]
