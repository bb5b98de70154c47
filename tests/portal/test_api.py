from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.portal.factories import make_family
from tests.portal.helpers import arrange, read


def _token(client, reference, code):
    response = client.post("/api/v1/portal/token", json={"reference": reference, "access_code": code})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_family_token_reads_case_and_sends_message(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="searching"))
    headers = _token(client, case.reference, code)
    data = client.get(f"/api/v1/portal/cases/{case.reference}", headers=headers, params={"lang": "en"}).json()
    assert data["reference"] == case.reference and data["status"] == "searching"
    sent = client.post(f"/api/v1/portal/cases/{case.reference}/messages", json={"text": "New photo"}, headers=headers)
    assert sent.status_code == 201
    again = client.get("/api/v1/portal/case", headers=headers).json()
    assert again["messages"][0] == {
        "occurred_at": again["messages"][0]["occurred_at"],
        "from_family": True,
        "text": "New photo",
    }


def test_family_token_sign_out_ends_token(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    headers = _token(client, case.reference, code)
    assert client.post("/api/v1/portal/sign-out", headers=headers).status_code == 204
    assert client.get("/api/v1/portal/case", headers=headers).status_code == 401


def test_token_wrong_code_is_401_problem_json(client, session_factory, backend):
    case, _, _ = arrange(session_factory, lambda s: make_family(s))
    response = client.post("/api/v1/portal/token", json={"reference": case.reference, "access_code": "A" * 20})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_family_reads_are_audited_with_reference_as_actor(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    headers = _token(client, case.reference, code)
    client.get("/api/v1/portal/case", headers=headers)
    rows = read(
        session_factory,
        lambda s: s.execute(select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.actor.like("family:%"))).all(),
    )
    assert {tuple(r) for r in rows} >= {
        ("portal.signed_in", f"family:{case.reference}"),
        ("portal.case_viewed", f"family:{case.reference}"),
    }
