"""Acceptance 1: released case → handover requested → route options → scheduled → approved → completed."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases.models import Case, CaseEvent
from app.transaction import commit
from tests.handovers.factories import case_state, if_match, make_case, request_handover, schedule_body
from tests.reference.factories import build_world


def test_handover_released_case_full_scenario_case_timeline_shows_each_step(
    client, make_staff, session_factory, db_session
):
    world = build_world(session_factory)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    case_id = make_case(session_factory, outcome="released")

    handover = request_handover(
        client,
        coordinator,
        case_id,
        contact_phone="+380 44 123 4567",
        travellers=[
            {
                "full_name": "Olena Testova",
                "relationship": "mother",
                "document_type": "passport",
                "document_number": "FA123456",
                "document_expires_on": "2031-01-01",
            }
        ],
    )
    assert handover["state"] == "requested"
    hid = handover["id"]

    response = client.post(
        f"/api/v1/handovers/{hid}/route-options", params={"date": world.day.isoformat()}, headers=coordinator.headers
    )
    assert response.status_code == 200, response.text
    options = response.json()
    feasible = {(o["crossing"]["code"], o["point"]["code"]) for o in options["feasible"]}
    assert feasible == {("open-x", "north"), ("hours-x", "south")}
    assert all(o["crossing_status"] == "open" for o in options["feasible"])
    reasons = {
        (o["crossing"]["code"], o["point"]["code"]): [r["code"] for r in o["reasons"]] for o in options["infeasible"]
    }
    assert reasons == {
        ("closed-x", "north"): ["crossing_closed"],
        ("unknown-x", "south"): ["crossing_status_unknown"],
        ("open-x", "shut"): ["point_inactive"],
    }
    fastest = options["feasible"][0]
    assert fastest["crossing"]["code"] == "open-x"
    assert fastest["total_minutes"] == 60 + 120 + 45
    assert fastest["arrival_window_start"] is not None and fastest["depart_hub_from"] is not None
    assert {t["code"] for t in options["escort_teams_available"]} == {"team-0", "team-1", "team-2"}

    body = schedule_body(
        crossing=world.crossings["open"], point=world.points["north"], team=world.teams[0], day=world.day
    )
    response = client.post(f"/api/v1/handovers/{hid}/schedule", json=body, headers=if_match(coordinator, handover))
    assert response.status_code == 200, response.text
    scheduled = response.json()
    assert scheduled["state"] == "scheduled"
    assert scheduled["schedule"]["crossing"]["code"] == "open-x"
    assert scheduled["schedule"]["revision"] == 1
    assert case_state(session_factory, case_id)[0] == "handover_planned"

    tag = response.headers["ETag"]
    response = client.post(f"/api/v1/handovers/{hid}/approve", json={"note": "ok"}, headers=if_match(supervisor, tag))
    assert response.status_code == 200, response.text
    assert response.json()["approved_at"] is not None and response.json()["state"] == "scheduled"

    for step in ("in-transit", "at-border"):
        tag = response.headers["ETag"]
        response = client.post(f"/api/v1/handovers/{hid}/{step}", json={}, headers=if_match(coordinator, tag))
        assert response.status_code == 200, response.text
    traveller_id = scheduled["travellers"][0]["id"]
    response = client.post(
        f"/api/v1/handovers/{hid}/complete",
        json={"received_by_traveller_id": traveller_id, "witness_name": "Border officer"},
        headers=if_match(coordinator, response.headers["ETag"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "completed"

    receipt = client.get(f"/api/v1/handovers/{hid}/receipt", headers=make_staff("auditor").headers).json()
    assert receipt["received_by_name"] == "Olena Testova"
    assert receipt["received_by_relationship"] == "mother"
    assert receipt["handed_over_by_id"] == coordinator.id

    db_session.expire_all()
    case = db_session.get(Case, case_id)
    assert case.state == "handover_done"
    events = db_session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)).scalars()
    timeline = [(e.kind, e.to_state) for e in events]
    assert timeline == [
        ("handover_requested", None),
        ("transitioned", "handover_planned"),
        ("handover_approved", None),
        ("handover_in_transit", None),
        ("handover_at_border", None),
        ("handover_completed", None),
        ("transitioned", "handover_done"),
    ]
    commit(db_session)
    actions = set(db_session.execute(select(AuditEvent.action).where(AuditEvent.target_id == hid)).scalars())
    assert {
        "handover.requested",
        "handover.scheduled",
        "handover.approved",
        "handover.in_transit",
        "handover.at_border",
        "handover.completed",
    } <= actions


def test_handover_approved_before_scheduling_follows_declared_order(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    handover = request_handover(client, coordinator, make_case(session_factory))
    hid = handover["id"]
    response = client.post(f"/api/v1/handovers/{hid}/approve", json={}, headers=if_match(supervisor, handover))
    assert response.json()["state"] == "approved"
    body = schedule_body(
        crossing=world.crossings["open"], point=world.points["north"], team=world.teams[0], day=world.day
    )
    headers = if_match(coordinator, response.json())
    response = client.post(f"/api/v1/handovers/{hid}/schedule", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "scheduled"
    assert response.json()["approved_at"] is not None
