"""Listing and search for staff: names in any case, accent or script (and sought names in any spelling the lookup
engine understands), phone, email, channel, date range, reference; paginated and sorted; audited."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.cases.factories import ago, create_inquiry, inquiry_body, person


def _refs(client, staff, path="/api/v1/inquiries", **params):
    response = client.get(path, params=params, headers=staff.headers)
    assert response.status_code == 200, response.text
    key = "case_reference" if path.endswith("inquiries") else "reference"
    return [item[key] for item in response.json()["items"]]


def _seed(client, operator):
    mother = create_inquiry(client, operator, inquiry_body(received_at=ago(days=3)))
    father = create_inquiry(
        client,
        operator,
        inquiry_body(
            channel="email",
            received_at=ago(days=1),
            requester={
                "full_name": "Jörg Müller-Łukasz",
                "relationship": "father",
                "phone": None,
                "email": "JM@Example.com",
            },
            sought=person("Ковальчук", "Андрій", "2001-05-02", patronymic=None),
            message={"body": "Hello"},
        ),
    )
    return mother["case_reference"], father["case_reference"]


def test_search_by_requester_name_ignores_case_accents_and_script(client, make_staff, backend):
    operator = make_staff("operator")
    mother, father = _seed(client, operator)
    assert _refs(client, operator, name="ИВАНОВА") == [mother]
    assert _refs(client, operator, name="ivanova maria") == [mother]
    assert _refs(client, operator, name="joerg") == []
    assert _refs(client, operator, name="jorg muller") == [father]
    assert _refs(client, operator, name="LUKASZ") == [father]


def test_search_by_sought_name_in_any_spelling_the_engine_understands(client, make_staff, backend):
    operator = make_staff("operator")
    mother, father = _seed(client, operator)
    assert _refs(client, operator, name="Oleksii Ivanov") == [mother]
    assert _refs(client, operator, name="Иванова Алексея") == [mother]
    assert _refs(client, operator, name="Kovalchuk Andrei") == [father]
    assert _refs(client, operator, "/api/v1/cases", name="Андрей Ковальчук") == [father]


def test_search_by_phone_email_channel_dates_and_reference(client, make_staff, backend):
    operator = make_staff("operator")
    mother, father = _seed(client, operator)
    assert _refs(client, operator, phone="+7 (916) 123-45-67") == [mother]
    assert _refs(client, operator, phone="4567") == [mother]
    assert _refs(client, operator, email="jm@example.com") == [father]
    assert _refs(client, operator, email="example") == [father]
    assert _refs(client, operator, channel="email") == [father]
    assert _refs(client, operator, received_from=ago(days=2)) == [father]
    assert _refs(client, operator, received_to=ago(days=2)) == [mother]
    assert _refs(client, operator, reference=mother.lower()) == [mother]
    assert _refs(client, operator, "/api/v1/cases", phone="89161234567") == [mother]
    assert _refs(client, operator, "/api/v1/cases", channel="email", name="ivanov") == []
    bad = client.get("/api/v1/inquiries", params={"reference": "PW-1234"}, headers=operator.headers)
    assert bad.status_code == 422
    naive = client.get("/api/v1/inquiries", params={"received_from": "2026-01-01T00:00:00"}, headers=operator.headers)
    assert naive.status_code == 422


def test_listing_is_paginated_and_sorted(client, make_staff, backend):
    operator = make_staff("operator")
    mother, father = _seed(client, operator)
    newest = client.get("/api/v1/inquiries", params={"limit": 1}, headers=operator.headers).json()
    assert (newest["total"], newest["limit"], [i["case_reference"] for i in newest["items"]]) == (2, 1, [father])
    second = client.get("/api/v1/inquiries", params={"limit": 1, "offset": 1}, headers=operator.headers).json()
    assert [i["case_reference"] for i in second["items"]] == [mother]
    assert _refs(client, operator, sort="received_at") == [mother, father]
    assert _refs(client, operator, sort="requester_name") == [father, mother]  # "iorg muler" < "ivanova"
    assert _refs(client, operator, "/api/v1/cases", sort="created_at") == [mother, father]
    assert _refs(client, operator, "/api/v1/cases", sort="-created_at") == [father, mother]
    assert client.get("/api/v1/inquiries", params={"sort": "phone"}, headers=operator.headers).status_code == 422


def test_searches_are_audited_without_the_searched_values(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    _seed(client, operator)
    client.get("/api/v1/inquiries", params={"name": "Иванова", "phone": "4567"}, headers=operator.headers)
    event = db_session.execute(select(AuditEvent).where(AuditEvent.action == "inquiry.searched")).scalar_one()
    db_session.rollback()
    assert event.details == {"filters": ["name", "phone"], "results": 1}


def test_inquiry_outside_scope_is_404(client, make_staff, backend):
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    officer, other = make_staff("case_officer"), make_staff("case_officer")
    created = create_inquiry(client, operator)
    from tests.cases.factories import assign

    assign(client, supervisor, created["case_reference"], other.id)
    assert client.get(f"/api/v1/inquiries/{created['inquiry']['id']}", headers=officer.headers).status_code == 404
    assert client.get(f"/api/v1/inquiries/{created['inquiry']['id']}", headers=other.headers).status_code == 200
