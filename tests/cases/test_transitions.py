"""The life cycle: declared transitions, 409 for illegal ones (acceptance 4), and the two-person rule for
`deceased`, both for recording it and for reverting it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit import system_actor
from app.cases import workflow
from app.cases.models import Case, CaseState
from app.errors import InvalidTransition
from app.transaction import unit_of_work
from tests.cases.factories import change, etag, move, open_case


def _timeline(client, staff, reference):
    return client.get(f"/api/v1/cases/{reference}/timeline", headers=staff.headers).json()


def _decide(client, staff, reference, proposal_id, decision, reason="checked"):
    return client.post(
        f"/api/v1/cases/{reference}/proposal/{decision}",
        json={"proposal_id": proposal_id, "reason": reason},
        headers=change(staff, etag(client, staff, reference)),
    )


def test_illegal_transition_returns_409_listing_allowed_and_changes_nothing(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    tag = etag(client, officer, reference)
    events_before = _timeline(client, officer, reference)

    response = client.post(
        f"/api/v1/cases/{reference}/transitions",
        json={"to_state": "closed", "reason": "nothing to do"},
        headers=change(officer, tag),
    )
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["type"] == "/problems/invalid-transition"
    assert problem["current_state"] == "open"
    assert problem["allowed_transitions"] == ["searching"]
    assert etag(client, officer, reference) == tag
    assert _timeline(client, officer, reference) == events_before


def test_handover_states_are_not_entered_through_this_endpoint(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    move(client, officer, reference, "searching")
    assert move(client, officer, reference, "released").status_code == 200
    response = move(client, officer, reference, "handover_planned")
    assert response.status_code == 409
    assert response.json()["allowed_transitions"] == ["family_informed"]


def test_transition_is_a_timeline_event_with_actor_time_and_reason(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    response = move(client, officer, reference, "searching", "Checking the lists of 12 March")
    assert response.status_code == 200
    assert response.json()["applied"] is True
    assert response.json()["case"]["allowed_transitions"] == [
        "deceased",
        "in_captivity",
        "match_proposed",
        "not_found",
        "released",
    ]
    event = _timeline(client, officer, reference)[-1]
    assert (event["kind"], event["from_state"], event["to_state"]) == ("transitioned", "open", "searching")
    assert (event["actor"], event["reason"]) == (officer.id, "Checking the lists of 12 March")
    assert event["occurred_at"]


def test_outcome_path_to_closed(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    for state in ("searching", "match_proposed", "in_captivity", "family_informed", "closed"):
        response = move(client, officer, reference, state)
        assert response.status_code == 200, (state, response.text)
    case = response.json()["case"]
    assert (case["state"], case["outcome"], case["next_review_at"]) == ("closed", "in_captivity", None)


def test_deceased_is_a_proposal_until_a_second_person_confirms(client, make_staff, backend):
    operator, officer, colleague = make_staff("operator"), make_staff("case_officer"), make_staff("case_officer")
    reference = open_case(client, operator)
    move(client, officer, reference, "searching")

    proposed = move(client, officer, reference, "deceased", "On the death list")
    assert proposed.status_code == 202
    body = proposed.json()
    assert body["applied"] is False
    assert (body["case"]["state"], body["case"]["outcome"]) == ("searching", None)
    assert body["case"]["awaiting_confirmation"] is True
    assert body["case"]["allowed_transitions"] == []
    assert body["proposal"]["status"] == "pending"
    proposal_id = body["proposal"]["id"]

    assert _decide(client, officer, reference, proposal_id, "confirm").status_code == 403
    confirmed = _decide(client, colleague, reference, proposal_id, "confirm")
    assert confirmed.status_code == 200, confirmed.text
    case = confirmed.json()["case"]
    assert (case["state"], case["outcome"], case["awaiting_confirmation"]) == ("deceased", "deceased", False)
    assert confirmed.json()["proposal"]["decided_by"] == colleague.id
    again = _decide(client, colleague, reference, proposal_id, "confirm")
    assert again.status_code == 409


def test_pending_proposal_blocks_other_transitions(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    move(client, officer, reference, "searching")
    move(client, officer, reference, "deceased")
    blocked = move(client, officer, reference, "not_found")
    assert blocked.status_code == 409
    assert "second signature" in blocked.json()["detail"]


def test_rejected_or_withdrawn_proposal_leaves_the_case_as_it_was(client, make_staff, backend):
    operator, officer, supervisor = make_staff("operator"), make_staff("case_officer"), make_staff("supervisor")
    reference = open_case(client, operator)
    move(client, officer, reference, "searching")

    first = move(client, officer, reference, "deceased").json()["proposal"]["id"]
    assert _decide(client, officer, reference, first, "reject").status_code == 403
    assert _decide(client, supervisor, reference, first, "withdraw").status_code == 403
    rejected = _decide(client, supervisor, reference, first, "reject", "Photo does not match")
    assert rejected.status_code == 200
    assert rejected.json()["case"]["state"] == "searching"
    assert rejected.json()["proposal"]["status"] == "rejected"

    second = move(client, officer, reference, "deceased").json()["proposal"]["id"]
    withdrawn = _decide(client, officer, reference, second, "withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["proposal"]["status"] == "withdrawn"
    proposals = client.get(f"/api/v1/cases/{reference}/proposals", headers=supervisor.headers).json()
    assert [p["status"] for p in proposals] == ["rejected", "withdrawn"]
    kinds = [e["kind"] for e in _timeline(client, supervisor, reference)]
    assert kinds[-4:] == ["outcome_proposed", "outcome_rejected", "outcome_proposed", "outcome_withdrawn"]


def test_reverting_a_confirmed_deceased_also_needs_a_second_person(client, make_staff, backend):
    operator, officer, supervisor = make_staff("operator"), make_staff("case_officer"), make_staff("supervisor")
    reference = open_case(client, operator)
    move(client, officer, reference, "searching")
    proposal = move(client, officer, reference, "deceased").json()["proposal"]["id"]
    _decide(client, supervisor, reference, proposal, "confirm")
    assert move(client, officer, reference, "family_informed").status_code == 200

    revert = move(client, officer, reference, "released", "He called home from a hospital")
    assert revert.status_code == 202
    assert revert.json()["proposal"]["kind"] == "revert"
    assert (revert.json()["case"]["state"], revert.json()["case"]["outcome"]) == ("family_informed", "deceased")
    confirmed = _decide(client, supervisor, reference, revert.json()["proposal"]["id"], "confirm")
    assert (confirmed.json()["case"]["state"], confirmed.json()["case"]["outcome"]) == ("released", "released")


def test_awaiting_confirmation_queue_and_peer_scope(client, make_staff, backend):
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    officer, colleague = make_staff("case_officer"), make_staff("case_officer")
    reference = open_case(client, operator)
    client.put(
        f"/api/v1/cases/{reference}/assignment",
        json={"officer_id": officer.id},
        headers=change(supervisor, etag(client, supervisor, reference)),
    )
    move(client, officer, reference, "searching")
    assert client.get(f"/api/v1/cases/{reference}", headers=colleague.headers).status_code == 404
    proposal = move(client, officer, reference, "deceased").json()["proposal"]["id"]

    queue = client.get("/api/v1/cases", params={"queue": "awaiting_confirmation"}, headers=colleague.headers).json()
    assert [c["reference"] for c in queue["items"]] == [reference]
    assert _decide(client, colleague, reference, proposal, "confirm").status_code == 200
    assert client.get(f"/api/v1/cases/{reference}", headers=colleague.headers).status_code == 404


def test_workflow_refuses_deceased_without_a_second_person(session_factory, client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    with pytest.raises(InvalidTransition), unit_of_work(session_factory) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        workflow.transition(session, case=case, to_state=CaseState.SEARCHING, actor=system_actor(), reason="x")
        workflow.transition(session, case=case, to_state=CaseState.DECEASED, actor=system_actor(), reason="x")


def test_handover_moves_that_keep_deceased_need_no_second_person(session_factory, client, make_staff, backend):
    operator, officer, supervisor = make_staff("operator"), make_staff("case_officer"), make_staff("supervisor")
    reference = open_case(client, operator)
    move(client, officer, reference, "searching")
    _decide(
        client, supervisor, reference, move(client, officer, reference, "deceased").json()["proposal"]["id"], "confirm"
    )
    with unit_of_work(session_factory) as session:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        for state in (CaseState.HANDOVER_PLANNED, CaseState.DECEASED, CaseState.HANDOVER_PLANNED):
            workflow.transition(session, case=case, to_state=state, actor=system_actor(), reason="handover")
        assert case.outcome == "deceased"
        with pytest.raises(InvalidTransition):
            workflow.transition(session, case=case, to_state=CaseState.RELEASED, actor=system_actor(), reason="x")
