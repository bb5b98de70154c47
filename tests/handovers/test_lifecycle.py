"""The handover life cycle: approval rules, illegal steps, failure, remains with an inventory of effects."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.handovers.factories import case_state, change, make_case, request_handover, scheduled_handover
from tests.reference.factories import build_world


def test_approve_by_requester_or_coordinator_refused(client, make_staff, session_factory):
    supervisor, other, coordinator = make_staff("supervisor"), make_staff("supervisor"), make_staff("coordinator")
    hid = request_handover(client, supervisor, make_case(session_factory))["id"]
    assert change(client, coordinator, hid, "approve").status_code == 403
    response = change(client, supervisor, hid, "approve")
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/approval-needs-second-person"
    assert change(client, other, hid, "approve").status_code == 200
    assert change(client, other, hid, "approve").status_code == 409


def test_in_transit_without_approval_and_illegal_steps_refused(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    booked = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    hid = booked["id"]
    response = change(client, coordinator, hid, "in-transit")
    assert response.status_code == 409 and response.json()["reason"] == "not_approved"
    response = change(client, coordinator, hid, "at-border")
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/invalid-transition"
    assert "in_transit" in response.json()["allowed_transitions"]
    response = change(
        client, coordinator, hid, "complete", {"received_by_name": "X", "received_by_relationship": "mother"}
    )
    assert response.status_code == 409
    assert client.get(f"/api/v1/handovers/{hid}", headers=coordinator.headers).json()["state"] == "scheduled"


def test_fail_in_transit_handover_records_reason_and_returns_case(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    booked = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    hid = booked["id"]
    assert change(client, supervisor, hid, "approve").status_code == 200
    assert change(client, coordinator, hid, "in-transit").status_code == 200
    assert change(client, coordinator, hid, "fail", {"reason": "x"}).status_code == 422
    response = change(client, coordinator, hid, "fail", {"reason": "Crossing closed on the day"})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "failed"
    assert case_state(session_factory, booked["case_id"])[0] == "released"
    again = change(client, coordinator, hid, "cancel", {"reason": "too late"})
    assert again.status_code == 409


def test_complete_remains_requires_inventory_and_records_effects(client, make_staff, session_factory, db_session):
    world = build_world(session_factory)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    case_id = make_case(session_factory, outcome="deceased")
    hid = request_handover(client, coordinator, case_id, type="remains_repatriation")["id"]
    assert change(client, supervisor, hid, "approve").status_code == 200
    body = {
        "crossing_id": str(world.crossings["open"]),
        "point_id": str(world.points["north"]),
        "escort_team_id": str(world.teams[0]),
        "travel_date": world.day.isoformat(),
        "window_start": "10:00",
        "window_end": "12:00",
    }
    assert change(client, coordinator, hid, "schedule", body).status_code == 200
    for step in ("in-transit", "at-border"):
        assert change(client, coordinator, hid, step).status_code == 200
    receipt = {"received_by_name": "Halyna Testova", "received_by_relationship": "mother"}
    response = change(client, coordinator, hid, "complete", receipt)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/personal_effects"
    effects = [
        {"description": "Wristwatch, steel", "quantity": 1, "condition": "scratched"},
        {"description": "Letters", "quantity": 3},
    ]
    response = change(client, coordinator, hid, "complete", {**receipt, "personal_effects": effects})
    assert response.status_code == 200, response.text
    stored = client.get(f"/api/v1/handovers/{hid}/receipt", headers=coordinator.headers).json()
    assert [(e["position"], e["description"], e["quantity"]) for e in stored["personal_effects"]] == [
        (1, "Wristwatch, steel", 1),
        (2, "Letters", 3),
    ]
    assert case_state(session_factory, case_id)[0] == "handover_done"
    event = db_session.execute(
        select(AuditEvent).where(AuditEvent.action == "handover.completed", AuditEvent.target_id == hid)
    ).scalar_one()
    assert event.details["personal_effects"] == 2


def test_manifest_lists_day_bookings_with_documents_for_coordinators(client, make_staff, session_factory, db_session):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    booked = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    added = change(
        client,
        coordinator,
        booked["id"],
        "travellers",
        {"full_name": "=HYPERLINK(1)", "relationship": "father", "document_number": "FA123456"},
    )
    assert added.status_code == 201, added.text
    response = client.get(
        f"/api/v1/handover-points/{world.points['north']}/manifest.csv",
        params={"date": world.day.isoformat()},
        headers=coordinator.headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    assert rows[0]["case_reference"] == booked["case_reference"]
    assert rows[0]["window_start"].endswith("10:00")
    assert rows[0]["document_number"] == "FA123456"
    assert rows[0]["traveller_name"] == "'=HYPERLINK(1)"
    assert rows[0]["escort_team"] == "Escort team 0"
    empty = client.get(
        f"/api/v1/handover-points/{world.points['south']}/manifest.csv",
        params={"date": world.day.isoformat()},
        headers=coordinator.headers,
    )
    assert len(list(csv.DictReader(io.StringIO(empty.text)))) == 0
    exported = (
        db_session.execute(select(AuditEvent).where(AuditEvent.action == "handover.manifest_exported")).scalars().all()
    )
    assert len(exported) == 2
    db_session.rollback()
    assert (
        client.get(
            f"/api/v1/handover-points/{world.points['north']}/manifest.csv",
            params={"date": world.day.isoformat()},
            headers=make_staff("operator").headers,
        ).status_code
        == 403
    )
