"""Acceptance 1: a mother phones, her husband emails two days later in Latin, and the case runs to a confirmed
`deceased` under the two-person rule; the timeline shows every step with its actor and the audit chain verifies."""

from __future__ import annotations

import subprocess
import sys

from app.audit import chain, sealer
from app.config import PROJECT_ROOT
from tests.cases.factories import ago, assign, change, create_inquiry, etag, inquiry_body, move, new_key
from tests.conftest import TEST_SIGNING_KEY


def test_hotline_flow_from_first_call_to_confirmed_deceased_is_complete_and_audited(
    client, make_staff, db_session, session_factory, db_url, backend
):
    operator = make_staff("operator")
    other_operator = make_staff("operator")
    supervisor = make_staff("supervisor")
    officer = make_staff("case_officer")

    # Day 1: the mother phones; a new case opens, she gets her reference and access code.
    mother = create_inquiry(client, operator, inquiry_body(received_at=ago(days=2)), **{"Idempotency-Key": new_key()})
    reference = mother["case_reference"]
    assert mother["case_opened"] is True
    assert mother["access_code"]
    assert mother["inquiry"]["requester"]["phone"] == "+79161234567"

    # Day 3: her husband emails, spelling the son's name in Latin.
    husband = inquiry_body(
        channel="email",
        requester={
            "full_name": "Sergei Ivanov",
            "relationship": "father",
            "phone": None,
            "email": "S.Ivanov@Example.org",
            "language": "en",
        },
        consent={"store": True, "contact_email": True, "contact_phone": False},
        sought={
            "surname": "Ivanov",
            "given_name": "Aleksei",
            "patronymic": None,
            "date_of_birth": "1999-03-14",
            "military_unit": None,
            "rank": None,
        },
        message={"subject": "My son Aleksei", "sender": "S.Ivanov@Example.org", "body": "Where is my son Aleksei?"},
    )
    check = client.post(
        "/api/v1/inquiries/check-duplicates", json={"sought": husband["sought"]}, headers=other_operator.headers
    )
    assert check.status_code == 200, check.text
    proposed = check.json()["duplicates"]
    assert [d["reference"] for d in proposed] == [reference]
    assert [r["code"] for r in proposed[0]["reasons"]] == ["same_name_and_birth_date"]

    attached = create_inquiry(client, other_operator, {**husband, "case_reference": reference})
    assert attached["case_opened"] is False
    assert attached["case_reference"] == reference
    assert attached["access_code"] and attached["access_code"] != mother["access_code"]
    assert attached["inquiry"]["requester"]["email"] == "s.ivanov@example.org"
    assert attached["inquiry"]["message"]["body"] == "Where is my son Aleksei?"

    # A supervisor assigns it; the officer searches and proposes `deceased`.
    assert assign(client, supervisor, reference, officer.id).status_code == 200
    assert move(client, officer, reference, "searching", "Registry lookup started").status_code == 200
    proposal = move(client, officer, reference, "deceased", "Name, date of birth and unit match the death list")
    assert proposal.status_code == 202, proposal.text
    assert proposal.json()["case"]["state"] == "searching"
    proposal_id = proposal.json()["proposal"]["id"]

    # The family-facing status has not changed: the operator still sees `searching` and no outcome.
    status_view = client.get(f"/api/v1/cases/{reference}", headers=operator.headers).json()
    assert (status_view["view"], status_view["state"], status_view["outcome"]) == ("status", "searching", None)

    # The same officer cannot confirm; a supervisor can.
    own = client.post(
        f"/api/v1/cases/{reference}/proposal/confirm",
        json={"proposal_id": proposal_id},
        headers=change(officer, etag(client, officer, reference)),
    )
    assert own.status_code == 403, own.text
    assert own.json()["type"] == "/problems/second-person-required"
    confirmed = client.post(
        f"/api/v1/cases/{reference}/proposal/confirm",
        json={"proposal_id": proposal_id, "reason": "Checked the death list entry"},
        headers=change(supervisor, etag(client, supervisor, reference)),
    )
    assert confirmed.status_code == 200, confirmed.text
    case = confirmed.json()["case"]
    assert (case["state"], case["outcome"]) == ("deceased", "deceased")
    assert len(case["requesters"]) == 2

    # The timeline shows every step, with its actor.
    timeline = client.get(f"/api/v1/cases/{reference}/timeline", headers=supervisor.headers).json()
    steps = [(e["kind"], e["actor"], e["to_state"]) for e in timeline]
    assert steps == [
        ("opened", operator.id, "open"),
        ("inquiry_received", operator.id, None),
        ("inquiry_attached", other_operator.id, None),
        ("assigned", supervisor.id, None),
        ("transitioned", officer.id, "searching"),
        ("outcome_proposed", officer.id, "deceased"),
        ("outcome_confirmed", supervisor.id, "deceased"),
        ("transitioned", supervisor.id, "deceased"),
    ]
    assert all(e["actor_name"] for e in timeline)
    assert timeline[5]["reason"] == "Name, date of birth and unit match the death list"

    # Once the sealer has linked the events, `liaison audit verify` passes, in process and through the CLI.
    db_session.rollback()  # end any read transaction before the sealer writes (SQLite)
    assert sealer.seal(session_factory) > 10
    result = chain.verify(db_session)
    assert result.ok, result
    assert result.events_checked > 10
    db_session.rollback()  # end the read transaction (on SQLite it holds the write lock the CLI needs)
    cli = subprocess.run(
        [sys.executable, "-m", "app.cli", "audit", "verify"],
        env={
            "LIAISON_DATABASE_URL": db_url,
            "LIAISON_ENVIRONMENT": "test",
            "LIAISON_JWT_SIGNING_KEY": TEST_SIGNING_KEY,  # checkpoints are signed with a key derived from it
            "PATH": "",
        },
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert "audit trail verified" in cli.stdout
