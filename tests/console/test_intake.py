"""Operator intake over HTTP: the form validates through the API's schema, errors beside fields, the form comes back
filled, idempotent saves, attaching to an existing case, email inquiries kept verbatim."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.cases.models import Case
from app.inquiries.models import Inquiry
from tests.console.factories import log_call
from tests.console.helpers import add_staff, csrf_of, sign_in

CALL = {
    "channel": "phone",
    "requester.full_name": "Иванова Мария Петровна",
    "requester.relationship": "mother",
    "requester.phone": "8 916 123-45-67",
    "requester.language": "ru",
    "requester.country": "RU",
    "consent.store": "true",
    "consent.contact_phone": "true",
    "sought.surname": "Иванов",
    "sought.given_name": "Алексей",
    "sought.date_of_birth": "14.03.1999",
}


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_new_call_form_names_fields_after_the_api(client, session_factory):
    console = sign_in(client, add_staff(session_factory, "operator"))
    page = console.get("/staff/calls/new")
    assert page.status_code == 200
    for name in (
        "requester.full_name",
        "requester.relationship",
        "consent.store",
        "sought.surname",
        "sought.date_of_birth",
    ):
        assert f'name="{name}"' in page.text
    assert "Прежде чем продолжить" in page.text  # the consent script, in the caller's language (ru by default)


def test_invalid_call_comes_back_filled_with_errors_beside_fields(client, session_factory, db_session):
    console = sign_in(client, add_staff(session_factory, "operator"))
    form = console.get("/staff/calls/new").text
    data = {
        **CALL,
        "idempotency_key": _key(form),
        "requester.full_name": "",
        "requester.phone": "12",
        "consent.store": "",
    }
    response = console.post("/staff/calls", data)
    assert response.status_code == 422
    text = response.text
    assert 'id="f-requester-full_name-error">Обов’язкове поле.<' in text
    assert 'id="f-consent-store-error">' in text and "Без згоди на зберігання даних запит не можна записати." in text
    assert 'id="f-requester-phone-error">Це не номер телефону.<' in text or "номер телефону" in text
    assert 'value="Иванов"' in text and 'value="14.03.1999"' in text and 'value="12"' in text
    assert 'href="#f-requester-full_name"' in text  # the summary links to the field
    assert db_session.execute(select(func.count()).select_from(Inquiry)).scalar_one() == 0


def test_call_is_saved_once_and_shows_reference_and_code(client, session_factory, db_session):
    console = sign_in(client, add_staff(session_factory, "operator"))
    data = {**CALL, "idempotency_key": _key(console.get("/staff/calls/new").text)}
    first = console.post("/staff/calls", data)
    assert first.status_code == 201, first.text
    reference = re.search(r'<span class="visually-hidden">(PW-[^<]+)</span>', first.text).group(1)
    again = console.post("/staff/calls", data)
    assert again.status_code == 201 and reference in again.text
    assert db_session.execute(select(func.count()).select_from(Inquiry)).scalar_one() == 1
    case = db_session.execute(select(Case).where(Case.reference == reference)).scalar_one()
    assert case.sought_date_of_birth == "1999-03-14"
    assert "Код не надіслано електронною поштою" in first.text


def test_call_attaches_to_an_existing_case(client, session_factory, db_session):
    operator = add_staff(session_factory, "operator")
    reference, _ = log_call(session_factory, operator)
    console = sign_in(client, operator)
    panel = console.post("/staff/calls/duplicates", {"sought.surname": "Ivanov", "sought.given_name": "Aleksei"})
    assert panel.status_code == 200 and reference in panel.text and 'data-key="1"' in panel.text
    data = {
        **CALL,
        "requester.full_name": "Иванов Сергей",
        "requester.relationship": "father",
        "idempotency_key": _key(console.get("/staff/calls/new").text),
        "case_reference": reference,
    }
    response = console.post("/staff/calls", data)
    assert response.status_code == 201
    assert "Запит записано в наявну справу" in response.text
    case = db_session.execute(select(Case).where(Case.reference == reference)).scalar_one()
    count = db_session.execute(select(func.count()).select_from(Inquiry).where(Inquiry.case_id == case.id)).scalar_one()
    assert count == 2


def test_email_inquiry_keeps_the_body_verbatim(client, session_factory, db_session):
    console = sign_in(client, add_staff(session_factory, "operator"))
    form = console.get("/staff/calls/new?channel=email").text
    assert 'name="message.body"' in form
    body = "Здравствуйте!\r\n\r\n  Ищу сына,\tИванова Алексея.  \r\nС уважением,\r\nМария\r\n"
    data = {
        **CALL,
        "channel": "email",
        "requester.email": "maria@example.org",
        "consent.contact_email": "true",
        "message.sender": "Мария <maria@example.org>",
        "message.subject": "Сын",
        "message.body": body,
        "idempotency_key": _key(form),
    }
    response = console.post("/staff/calls", data)
    assert response.status_code == 201, response.text
    assert "maria@example.org" in response.text  # the code was also emailed
    stored = db_session.execute(select(Inquiry.message_body)).scalar_one()
    assert stored == body.replace("\r\n", "\n")


def test_operators_only(client, session_factory):
    console = sign_in(client, add_staff(session_factory, "auditor"))
    assert console.get("/staff/calls/new").status_code == 403
    assert console.post("/staff/calls", CALL).status_code == 403
    assert csrf_of(console.get("/staff/search").text)
