"""Assignment, queues, deadlines, the contact log and notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.cases.factories import ago, assign, change, create_inquiry, etag, inquiry_body, move, open_case


def _queue(client, staff, queue):
    return [
        c["reference"]
        for c in client.get("/api/v1/cases", params={"queue": queue}, headers=staff.headers).json()["items"]
    ]


def _contact(client, staff, reference, **body):
    payload = {"direction": "outbound", "channel": "phone", "summary": "Called the mother back", **body}
    return client.post(f"/api/v1/cases/{reference}/contacts", json=payload, headers=staff.headers)


def test_supervisor_assigns_and_reassigns_and_queues_follow(client, make_staff, backend):
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    officer, other = make_staff("case_officer"), make_staff("case_officer")
    reference = open_case(client, operator)
    assert _queue(client, officer, "unassigned") == [reference]

    assigned = assign(client, supervisor, reference, officer.id)
    assert assigned.status_code == 200
    assert assigned.json()["assigned_officer"] == {"id": officer.id, "full_name": officer.user.full_name}
    assert _queue(client, officer, "mine") == [reference]
    assert _queue(client, officer, "unassigned") == []

    assert assign(client, supervisor, reference, other.id).status_code == 200
    assert _queue(client, officer, "mine") == []
    assert _queue(client, other, "mine") == [reference]
    assert assign(client, supervisor, reference, None).json()["assigned_officer"] is None
    kinds = [e["kind"] for e in client.get(f"/api/v1/cases/{reference}/timeline", headers=supervisor.headers).json()]
    assert kinds[-3:] == ["assigned", "assigned", "unassigned"]


def test_only_supervisors_assign_and_only_to_officers(client, make_staff, backend):
    operator, supervisor, officer = make_staff("operator"), make_staff("supervisor"), make_staff("case_officer")
    reference = open_case(client, operator)
    assert assign(client, officer, reference, officer.id).status_code == 403
    wrong = assign(client, supervisor, reference, operator.id)
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [{"pointer": "#/officer_id", "detail": "not an active case officer or supervisor"}]


def test_first_response_is_due_48_hours_after_the_first_inquiry(client, make_staff, backend):
    operator = make_staff("operator")
    received = datetime.fromisoformat(ago(hours=1))
    reference = create_inquiry(client, operator, inquiry_body(received_at=received.isoformat()))["case_reference"]
    case = client.get(f"/api/v1/cases/{reference}", headers=operator.headers).json()
    due = datetime.fromisoformat(case["first_response_due_at"].replace("Z", "+00:00"))
    assert due == received + timedelta(hours=48)
    assert case["overdue"] is False


def test_overdue_cases_are_flagged_until_the_family_gets_a_response(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    late = create_inquiry(client, operator, inquiry_body(received_at=ago(days=3)))["case_reference"]
    fresh = open_case(client, operator)
    assert _queue(client, officer, "overdue") == [late]
    listed = client.get("/api/v1/cases", headers=officer.headers).json()["items"]
    assert {c["reference"]: c["overdue"] for c in listed} == {late: True, fresh: False}

    inbound = _contact(client, operator, late, direction="inbound")
    assert inbound.status_code == 201
    assert _queue(client, officer, "overdue") == [late]
    outbound = _contact(client, operator, late)
    assert outbound.status_code == 201
    assert _queue(client, officer, "overdue") == []
    case = client.get(f"/api/v1/cases/{late}", headers=officer.headers).json()
    assert case["first_responded_at"] is not None and case["overdue"] is False


def test_next_review_is_set_by_transitions_and_by_officers(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    before = client.get(f"/api/v1/cases/{reference}", headers=officer.headers).json()["next_review_at"]
    assert before is not None
    review = (datetime.fromisoformat(ago(days=-1))).isoformat()
    patched = client.patch(
        f"/api/v1/cases/{reference}",
        json={"next_review_at": review},
        headers=change(officer, etag(client, officer, reference)),
    )
    assert patched.status_code == 200
    assert datetime.fromisoformat(patched.json()["next_review_at"].replace("Z", "+00:00")) == datetime.fromisoformat(
        review
    )
    moved = move(client, officer, reference, "searching").json()["case"]
    assert moved["next_review_at"] != patched.json()["next_review_at"]


def test_contact_log_records_direction_channel_time_summary_and_staff(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    created = create_inquiry(client, operator)
    reference, inquiry_id = created["case_reference"], created["inquiry"]["id"]
    when = ago(hours=2)
    logged = _contact(client, operator, reference, channel="email", occurred_at=when, inquiry_id=inquiry_id)
    assert logged.status_code == 201, logged.text
    entry = logged.json()
    assert (entry["direction"], entry["channel"], entry["inquiry_id"]) == ("outbound", "email", inquiry_id)
    assert entry["staff"]["id"] == operator.id
    listed = client.get(f"/api/v1/cases/{reference}/contacts", headers=officer.headers).json()
    assert listed["total"] == 1
    assert listed["items"][0]["summary"] == "Called the mother back"
    assert listed["items"][0]["staff"]["full_name"] == operator.user.full_name


def test_contact_log_validates_its_input(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    future = _contact(client, operator, reference, occurred_at=ago(days=-1))
    assert future.status_code == 422
    assert future.json()["errors"][0]["pointer"] == "#/occurred_at"
    naive = _contact(client, operator, reference, occurred_at="2026-01-01T10:00:00")
    assert naive.status_code == 422
    other = open_case(client, operator)
    foreign = create_inquiry(client, operator, inquiry_body(case_reference=other))["inquiry"]["id"]
    wrong = _contact(client, operator, reference, inquiry_id=foreign)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["pointer"] == "#/inquiry_id"
    assert _contact(client, operator, reference, summary="").status_code == 422
    assert _contact(client, operator, reference, direction="sideways").status_code == 422


def test_contact_logging_does_not_need_if_match_and_is_idempotent(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    headers = {**operator.headers, "Idempotency-Key": "contact-1"}
    body = {"direction": "inbound", "channel": "phone", "summary": "Mother called again"}
    first = client.post(f"/api/v1/cases/{reference}/contacts", json=body, headers=headers)
    retry = client.post(f"/api/v1/cases/{reference}/contacts", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert client.get(f"/api/v1/cases/{reference}/contacts", headers=operator.headers).json()["total"] == 1
