from sqlalchemy import select

from app.audit.models import AuditEvent
from app.family_access import service as access
from app.jobs import run_pending
from tests.cases.factories import create_inquiry, inquiry_body
from tests.portal.factories import make_family
from tests.portal.helpers import arrange, attempt_sign_in, read, sign_in


def _body(message) -> str:
    return message.get_payload(decode=True).decode("utf-8")


def test_reissue_access_code_returns_new_code_once_and_old_stops_working(client, session_factory, make_staff, backend):
    case, inquiry, old = arrange(session_factory, lambda s: make_family(s, consent_contact_email=False))
    operator = make_staff("operator")
    url = f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code"
    response = client.post(url, headers=operator.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email_queued"] is False and body["generation"] == 2
    new = body["access_code"]
    assert read(session_factory, lambda s: access.check_access_code(s, reference=case.reference, code=old)) is None
    assert sign_in(client, case.reference, new).status_code == 303
    details = read(
        session_factory,
        lambda s: [
            str(e.details)
            for e in s.execute(select(AuditEvent).where(AuditEvent.action == "portal.access_code_issued")).scalars()
        ],
    )
    assert details and all(new not in d and new.replace("-", "") not in d for d in details)


def test_reissue_access_code_requester_consented_sends_email_over_smtp(
    client, session_factory, make_staff, smtp_inbox, backend
):
    case, inquiry, _ = arrange(
        session_factory, lambda s: make_family(s, consent_contact_email=True, requester_language="uk")
    )
    operator = make_staff("operator")
    response = client.post(
        f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code", headers=operator.headers
    )
    assert response.json()["email_queued"] is True
    assert run_pending(session_factory) == 1
    assert len(smtp_inbox.messages) == 1
    message = smtp_inbox.messages[0]
    assert message["X-Envelope-To"] == "maria@example.org"
    text = _body(message)
    assert response.json()["access_code"] in text and case.reference in text
    assert "Код доступу:" in text


def test_reissue_twice_quickly_only_latest_code_is_emailed(client, session_factory, make_staff, smtp_inbox, backend):
    case, inquiry, _ = arrange(session_factory, lambda s: make_family(s, consent_contact_email=True))
    operator = make_staff("operator")
    url = f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code"
    client.post(url, headers=operator.headers)
    latest = client.post(url, headers=operator.headers).json()["access_code"]
    run_pending(session_factory)
    assert [latest in _body(m) for m in smtp_inbox.messages] == [True]


def test_reissue_access_code_without_permission_is_403(client, session_factory, make_staff, backend):
    case, inquiry, _ = arrange(session_factory, lambda s: make_family(s))
    coordinator = make_staff("coordinator")
    url = f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code"
    assert client.post(url, headers=coordinator.headers).status_code == 403


def test_reissue_access_code_inquiry_of_other_case_is_404(client, session_factory, make_staff, backend):
    case, _, _ = arrange(session_factory, lambda s: make_family(s))
    _, other_inquiry, _ = arrange(session_factory, lambda s: make_family(s))
    operator = make_staff("operator")
    url = f"/api/v1/cases/{case.reference}/inquiries/{other_inquiry.id}/access-code"
    assert client.post(url, headers=operator.headers).status_code == 404


def test_portal_access_shows_lockout_to_staff(client, session_factory, make_staff, backend):
    case, inquiry, _ = arrange(session_factory, lambda s: make_family(s))
    for _ in range(5):
        attempt_sign_in(client, case.reference, "AAAA-BBBB-CCCC-DDDD-EEEE")
    operator = make_staff("operator")
    data = client.get(f"/api/v1/cases/{case.reference}/portal-access", headers=operator.headers).json()
    assert data["locked_now"] is True
    assert data["lockouts"][0]["scope"] == "reference" and data["lockouts"][0]["failures"] == 5
    assert data["requesters"] == [
        {
            "inquiry_id": str(inquiry.id),
            "has_code": True,
            "generation": 1,
            "issued_at": data["requesters"][0]["issued_at"],
            "revoked_at": None,
            "last_used_at": None,
            "active_sessions": 0,
        }
    ]


def test_hotline_inquiry_with_email_consent_emails_the_new_access_code(
    client, session_factory, make_staff, smtp_inbox, backend
):
    operator = make_staff("operator")
    body = inquiry_body(
        channel="email",
        requester={"email": "olena@example.org", "language": "uk"},
        consent={"store": True, "contact_email": True},
        message={"subject": "Син", "sender": "olena@example.org", "body": "Шукаю сина"},
    )
    created = create_inquiry(client, operator, body)
    assert run_pending(session_factory) == 1
    assert [m["X-Envelope-To"] for m in smtp_inbox.messages] == ["olena@example.org"]
    text = _body(smtp_inbox.messages[0])
    assert created["access_code"] in text and created["case_reference"] in text


def test_hotline_inquiry_without_email_consent_sends_nothing(client, session_factory, make_staff, smtp_inbox, backend):
    operator = make_staff("operator")
    create_inquiry(client, operator, inquiry_body(requester={"email": "olena@example.org"}))
    run_pending(session_factory)
    assert smtp_inbox.messages == []
