from sqlalchemy import select

from app.cases.models import Case
from app.inquiries.models import Inquiry
from tests.portal.helpers import csrf_from, read

VALID = {
    "requester_name": "Olga Sidorova",
    "requester_relationship": "mother",
    "requester_phone": "+7 912 345-67-89",
    "requester_email": "olga@example.org",
    "requester_language": "ru",
    "consent_store": "yes",
    "consent_contact_phone": "yes",
    "sought_surname": "Сидоров",
    "sought_given_name": "Алексей",
    "sought_date_of_birth": "2001",
    "message": "Last call in March.",
}


def _post(client, data):
    page = client.get("/portal/inquiry")
    return client.post("/portal/inquiry", data={**data, "csrf_token": csrf_from(page.text)})


def test_online_inquiry_valid_creates_web_inquiry_and_shows_code_once(client, session_factory, backend):
    response = _post(client, VALID)
    assert response.status_code == 201, response.text
    inquiry, case = read(
        session_factory, lambda s: s.execute(select(Inquiry, Case).join(Case, Case.id == Inquiry.case_id)).one()
    )
    assert inquiry.channel == "web" and inquiry.requester_phone == "+79123456789"
    assert case.state == "open" and case.reference in response.text
    code = response.text.split('<dd class="code">')[2].split("<")[0]
    signed = client.post(
        "/portal/sign-in",
        data={"reference": case.reference, "access_code": code, "csrf_token": csrf_from(client.get("/portal").text)},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def test_online_inquiry_without_consent_is_refused_with_field_error(client, session_factory, backend):
    response = _post(client, {**VALID, "consent_store": ""})
    assert response.status_code == 422
    assert 'id="consent_store-error"' in response.text
    assert read(session_factory, lambda s: s.execute(select(Inquiry)).first()) is None


def test_online_inquiry_honeypot_filled_stores_nothing(client, session_factory, backend):
    response = _post(client, {**VALID, "website": "http://spam.example"})
    assert response.status_code == 201
    assert read(session_factory, lambda s: s.execute(select(Inquiry)).first()) is None


def test_online_inquiry_rate_limited_per_address(client, session_factory, backend):
    for _ in range(5):
        assert _post(client, VALID).status_code == 201
    blocked = _post(client, VALID)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_online_inquiry_json_invalid_phone_is_422(client, backend):
    body = {k: v for k, v in VALID.items() if not k.startswith("consent")}
    body.update(consent_store=True, requester_phone="12", requester_email=None)
    response = client.post("/api/v1/portal/inquiries", json=body)
    assert response.status_code == 422
    assert {"pointer": "#/requester_phone", "detail": "phone"} in response.json()["errors"]


def test_online_inquiry_json_valid_returns_reference_and_code(client, backend):
    body = {k: v for k, v in VALID.items() if not k.startswith("consent")}
    body.update(consent_store=True)
    response = client.post("/api/v1/portal/inquiries", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["reference"].startswith("PW-")
