"""Logging inquiries: strict input, E.164 phones, validated emails, no future dates, partial dates of birth,
required consent, messages kept verbatim, a new case or an existing one, and the requester's access code."""

from __future__ import annotations

import pytest

from app.errors import Unprocessable
from app.family_access.service import check_access_code
from app.inquiries.builder import normalize_phone
from tests.cases.factories import ago, create_inquiry, inquiry_body, open_case


def _post(client, staff, body):
    return client.post("/api/v1/inquiries", json=body, headers=staff.headers)


def _pointers(response) -> set[str]:
    assert response.status_code == 422, response.text
    return {e.get("pointer") or e.get("header") or e.get("parameter") for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("8 (916) 123-45-67", "RU", "+79161234567"),
        ("+7 916 123 45 67", "RU", "+79161234567"),
        ("9161234567", "RU", "+79161234567"),
        ("067 123 4567", "UA", "+380671234567"),
        ("+48 601 234 567", "RU", "+48601234567"),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, region, e164):
    assert normalize_phone(raw, region) == e164


@pytest.mark.parametrize("raw", ["12", "not a number", "+7 123"])
def test_invalid_phone_numbers_are_refused(raw):
    with pytest.raises(Unprocessable) as error:
        normalize_phone(raw, "RU")
    assert error.value.extra["errors"][0]["pointer"] == "#/requester/phone"


def test_inquiry_opens_a_case_and_returns_reference_and_access_code(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    created = create_inquiry(client, operator)
    inquiry = created["inquiry"]
    assert created["case_opened"] is True
    assert created["case_reference"] == inquiry["case_reference"]
    assert created["duplicates"] == []
    assert inquiry["requester"]["phone"] == "+79161234567"
    assert inquiry["recorded_by"]["id"] == operator.id
    assert inquiry["sought"]["date_of_birth"] == "1999-03-14"
    assert check_access_code(db_session, reference=created["case_reference"], code=created["access_code"]) is not None
    db_session.rollback()
    again = client.get(f"/api/v1/inquiries/{inquiry['id']}", headers=operator.headers).json()
    assert again == inquiry | {"recorded_by": {"id": operator.id, "full_name": operator.user.full_name}}
    assert "access_code" not in str(again)


def test_phone_without_country_uses_the_requesters_country(client, make_staff, backend):
    operator = make_staff("operator")
    body = inquiry_body(requester={"phone": "067 123 4567", "country": "UA"})
    assert create_inquiry(client, operator, body)["inquiry"]["requester"]["phone"] == "+380671234567"


def test_default_phone_region_is_configurable(settings, make_staff, backend):
    from fastapi.testclient import TestClient

    from app.main import create_app

    app = create_app(settings.model_copy(update={"phone_default_region": "UA"}))
    try:
        with TestClient(app) as client:
            operator = make_staff("operator")
            body = inquiry_body(requester={"phone": "067 123 4567", "country": None})
            assert create_inquiry(client, operator, body)["inquiry"]["requester"]["phone"] == "+380671234567"
    finally:
        app.state.engine.dispose()


def test_partial_dates_of_birth_are_accepted(client, make_staff, backend):
    operator = make_staff("operator")
    for value in ("1999", "1999-03", "1999-03-14"):
        body = inquiry_body(sought={"date_of_birth": value})
        assert create_inquiry(client, operator, body)["inquiry"]["sought"]["date_of_birth"] == value


def test_dates_of_birth_as_people_write_them_are_stored_as_iso(client, make_staff, backend):
    operator = make_staff("operator")
    written = {
        "14.03.1999": "1999-03-14",
        "14 марта 1999": "1999-03-14",
        "14 березня 1999": "1999-03-14",
        "March 14 1999": "1999-03-14",
        "14.III.1999": "1999-03-14",
        "1999 г.р.": "1999",
    }
    for value, stored in written.items():
        body = inquiry_body(sought={"date_of_birth": value})
        assert create_inquiry(client, operator, body)["inquiry"]["sought"]["date_of_birth"] == stored, value


def test_invalid_or_future_dates_of_birth_are_refused(client, make_staff, backend):
    operator = make_staff("operator")
    for value in ("1999-13", "1999-02-30", "99", "31.02.1999", "1850", "2999", "Иванов 1999", "23 года"):
        response = _post(client, operator, inquiry_body(sought={"date_of_birth": value}))
        assert _pointers(response) == {"#/sought/date_of_birth"}, value


def test_dates_in_the_future_are_refused_with_pointers(client, make_staff, backend):
    operator = make_staff("operator")
    body = inquiry_body(received_at=ago(days=-1), sought={"last_contact_date": "2999-01-01"})
    assert _pointers(_post(client, operator, body)) == {"#/received_at", "#/sought/last_contact_date"}


def test_unknown_fields_and_overlong_values_are_refused(client, make_staff, backend):
    operator = make_staff("operator")
    body = inquiry_body(role="admin", requester={"full_name": "x" * 201, "nickname": "Masha"})
    assert _pointers(_post(client, operator, body)) == {"#/role", "#/requester/full_name", "#/requester/nickname"}
    long_notes = inquiry_body(operator_notes="x" * 8001)
    assert _pointers(_post(client, operator, long_notes)) == {"#/operator_notes"}


def test_email_is_validated_and_lower_cased(client, make_staff, backend):
    operator = make_staff("operator")
    assert _pointers(_post(client, operator, inquiry_body(requester={"email": "not-an-email"}))) == {
        "#/requester/email"
    }
    created = create_inquiry(client, operator, inquiry_body(requester={"email": "Maria.Ivanova@Example.RU"}))
    assert created["inquiry"]["requester"]["email"] == "maria.ivanova@example.ru"


def test_consent_to_store_is_required(client, make_staff, backend):
    operator = make_staff("operator")
    response = _post(client, operator, inquiry_body(consent={"store": False}))
    assert _pointers(response) == {"#/consent/store"}


def test_sought_person_needs_some_identity(client, make_staff, backend):
    operator = make_staff("operator")
    sought = {"surname": None, "given_name": None, "patronymic": "Сергеевич", "date_of_birth": None}
    assert _pointers(_post(client, operator, inquiry_body(sought=sought))) == {"#/sought"}
    by_number = {"surname": "", "given_name": " ", "service_number": "АВ-123456"}
    assert create_inquiry(client, operator, inquiry_body(sought=by_number))["inquiry"]["sought"]["surname"] is None


def test_email_inquiry_keeps_the_original_message_verbatim(client, make_staff, backend):
    operator = make_staff("operator")
    no_message = inquiry_body(channel="email")
    assert _pointers(_post(client, operator, no_message)) == {"#/message"}
    text = "  Здравствуйте!\n\nМой сын Алексей…\n  -- \nМария  "
    message = {"subject": "Сын", "sender": "Мария <m@example.ru>", "body": text}
    created = create_inquiry(client, operator, inquiry_body(channel="email", message=message))
    assert created["inquiry"]["message"] == message


def test_country_must_be_an_iso_code(client, make_staff, backend):
    operator = make_staff("operator")
    assert _pointers(_post(client, operator, inquiry_body(requester={"country": "XX"}))) == {"#/requester/country"}
    body = inquiry_body(requester={"country": "ua", "phone": "+7 916 123 45 67"})
    assert create_inquiry(client, operator, body)["inquiry"]["requester"]["country"] == "UA"


def test_inquiry_attaches_to_an_existing_case_and_its_requester_gets_a_code(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    sister = inquiry_body(
        case_reference=reference.lower(), requester={"full_name": "Иванова Ольга", "relationship": "sibling"}
    )
    attached = create_inquiry(client, operator, sister)
    assert (attached["case_reference"], attached["case_opened"]) == (reference, False)
    assert check_access_code(db_session, reference=reference, code=attached["access_code"]) is not None
    db_session.rollback()


def test_attaching_to_a_mistyped_or_unknown_reference_is_refused(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    typo = reference[:-1] + ("0" if reference[-1] != "0" else "1")
    mistyped = _post(client, operator, inquiry_body(case_reference=typo))
    assert mistyped.status_code == 422
    assert mistyped.json()["errors"][0]["pointer"] == "#/case_reference"
    unknown = _post(client, operator, inquiry_body(case_reference="PW-0000-0000-0"))
    assert unknown.status_code == 404


def test_attaching_to_a_closed_case_flags_it_for_review(client, make_staff, backend):
    from tests.cases.factories import move

    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    for state in ("searching", "not_found", "family_informed", "closed"):
        move(client, officer, reference, state)
    create_inquiry(client, operator, inquiry_body(case_reference=reference))
    case = client.get(f"/api/v1/cases/{reference}", headers=officer.headers).json()
    assert case["needs_review"] is True
    assert "closed" in case["review_reason"]


def test_coordinators_cannot_log_inquiries(client, make_staff, backend):
    coordinator = make_staff("coordinator")
    assert _post(client, coordinator, inquiry_body()).status_code == 403
