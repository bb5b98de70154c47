"""Attaching, detaching and merging: supervisors only, audited, both histories kept."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.family_access.service import check_access_code
from tests.cases.factories import change, create_inquiry, etag, inquiry_body, move, open_case

LATIN = {"surname": "Ivanov", "given_name": "Aleksei", "patronymic": None, "military_unit": None, "rank": None}


def _merge(client, supervisor, survivor, duplicate, reason="Same man: same unit and date of birth"):
    return client.post(
        f"/api/v1/cases/{survivor}/merge",
        json={"duplicate_reference": duplicate, "reason": reason},
        headers=change(supervisor, etag(client, supervisor, survivor)),
    )


def test_merge_moves_inquiries_and_keeps_both_histories(client, make_staff, db_session, backend):
    operator, officer, supervisor = make_staff("operator"), make_staff("case_officer"), make_staff("supervisor")
    mother = create_inquiry(client, operator)
    survivor = mother["case_reference"]
    father = create_inquiry(client, operator, inquiry_body(sought={**LATIN, "service_number": "АВ-123456"}))
    duplicate = father["case_reference"]
    assert [d["reference"] for d in father["duplicates"]] == [survivor]
    client.post(f"/api/v1/cases/{duplicate}/notes", json={"body": "Father is ill"}, headers=officer.headers)
    client.post(
        f"/api/v1/cases/{duplicate}/contacts",
        json={"direction": "inbound", "channel": "phone", "summary": "Father asked for news"},
        headers=operator.headers,
    )

    merged = _merge(client, supervisor, survivor, duplicate)
    assert merged.status_code == 200, merged.text
    case = merged.json()
    assert len(case["requesters"]) == 2
    assert case["sought"]["service_number"] == "АВ-123456"
    assert [n["body"] for n in case["notes"]] == ["Father is ill"]

    old = client.get(f"/api/v1/cases/{duplicate}", headers=supervisor.headers).json()
    assert (old["merged_into"], old["requesters"]) == (survivor, [])
    timeline = client.get(f"/api/v1/cases/{survivor}/timeline", headers=supervisor.headers).json()
    assert {e["case_reference"] for e in timeline} == {survivor, duplicate}
    assert [(e["kind"], e["case_reference"]) for e in timeline[-2:]] == [
        ("case_merged_in", survivor),
        ("merged_into", duplicate),
    ]
    assert timeline[-1]["reason"] == "Same man: same unit and date of birth"
    contacts = client.get(f"/api/v1/cases/{survivor}/contacts", headers=operator.headers).json()
    assert [c["summary"] for c in contacts["items"]] == ["Father asked for news"]

    listed = [c["reference"] for c in client.get("/api/v1/cases", headers=supervisor.headers).json()["items"]]
    assert listed == [survivor]
    assert move(client, officer, duplicate, "searching").status_code == 409
    assert (
        client.post("/api/v1/inquiries/check-duplicates", json={"sought": LATIN}, headers=operator.headers).json()[
            "duplicates"
        ][0]["reference"]
        == survivor
    )

    # The father's access code now opens the surviving case; his old reference leads there too.
    access = check_access_code(db_session, reference=duplicate, code=father["access_code"])
    assert access is not None and access.case.reference == survivor
    actions = [e.action for e in db_session.execute(select(AuditEvent)).scalars()]
    db_session.rollback()
    assert "case.merged" in actions


def test_merge_is_refused_for_officers_self_and_conflicting_outcomes(client, make_staff, backend):
    operator, officer, supervisor = make_staff("operator"), make_staff("case_officer"), make_staff("supervisor")
    first, second = open_case(client, operator), open_case(client, operator)
    assert _merge(client, officer, first, second).status_code == 403
    assert _merge(client, supervisor, first, first).status_code == 422
    for reference, outcome in ((first, "in_captivity"), (second, "not_found")):
        move(client, officer, reference, "searching")
        move(client, officer, reference, outcome)
    conflict = _merge(client, supervisor, first, second)
    assert conflict.status_code == 409
    assert "different confirmed outcomes" in conflict.json()["detail"]


def test_inquiry_attached_at_intake_to_a_merged_case_lands_on_the_survivor(client, make_staff, backend):
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    survivor, duplicate = open_case(client, operator), open_case(client, operator)
    _merge(client, supervisor, survivor, duplicate)
    late = create_inquiry(client, operator, inquiry_body(case_reference=duplicate))
    assert late["case_reference"] == survivor


def test_attach_moves_an_inquiry_between_cases_and_is_audited(client, make_staff, db_session, backend):
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    target = open_case(client, operator)
    source = open_case(client, operator)
    stray = create_inquiry(client, operator, inquiry_body(case_reference=source))["inquiry"]["id"]

    attached = client.post(
        f"/api/v1/cases/{target}/inquiries",
        json={"inquiry_id": stray, "reason": "The caller asked about the same son"},
        headers=change(supervisor, etag(client, supervisor, target)),
    )
    assert attached.status_code == 200, attached.text
    assert stray in [r["inquiry_id"] for r in attached.json()["requesters"]]
    only = client.get(f"/api/v1/cases/{source}", headers=supervisor.headers).json()["requesters"][0]["inquiry_id"]
    emptying = client.post(
        f"/api/v1/cases/{target}/inquiries",
        json={"inquiry_id": only, "reason": "x"},
        headers=change(supervisor, etag(client, supervisor, target)),
    )
    assert emptying.status_code == 409
    assert "merge" in emptying.json()["detail"]
    audit = db_session.execute(select(AuditEvent).where(AuditEvent.action == "inquiry.attached")).scalar_one()
    db_session.rollback()
    assert audit.target_id == stray and audit.details["reason"] == "The caller asked about the same son"


def test_detach_opens_a_new_case_with_a_new_access_code(client, make_staff, db_session, backend):
    operator, supervisor, officer = make_staff("operator"), make_staff("supervisor"), make_staff("case_officer")
    reference = open_case(client, operator)
    other = create_inquiry(
        client, operator, inquiry_body(case_reference=reference, sought={"surname": "Петров", "given_name": "Пётр"})
    )
    detach = lambda staff: client.post(  # noqa: E731
        f"/api/v1/cases/{reference}/detach",
        json={"inquiry_id": other["inquiry"]["id"], "reason": "Asks about a different soldier"},
        headers=change(staff, etag(client, staff, reference)),
    )
    assert detach(officer).status_code == 403
    response = detach(supervisor)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["previous_case_reference"] == reference
    assert body["case_reference"] != reference
    assert body["access_code"] and body["access_code"] != other["access_code"]
    new_case = client.get(f"/api/v1/cases/{body['case_reference']}", headers=supervisor.headers).json()
    assert new_case["sought"]["surname"] == "Петров"
    assert check_access_code(db_session, reference=body["case_reference"], code=body["access_code"]) is not None
    db_session.rollback()
    last = client.post(
        f"/api/v1/cases/{body['case_reference']}/detach",
        json={"inquiry_id": other["inquiry"]["id"], "reason": "x"},
        headers=change(supervisor, etag(client, supervisor, body["case_reference"])),
    )
    assert last.status_code == 409
