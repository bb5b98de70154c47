"""The email inbox in the JSON API: listing, reading with a prefilled inquiry, and the three triage actions."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases.models import CaseContact
from app.inquiries.models import Inquiry
from app.mailbox.intake import Fetched, store_messages
from app.transaction import unit_of_work
from tests.cases.factories import create_inquiry, inquiry_body
from tests.mailbox import messages

RU_LETTER = (
    "Здравствуйте!\nИщу сына: Смирнов Дмитрий Андреевич, 21.07.2001 г.р., в/ч 45678, личный номер АК-204518.\n"
    "Последний раз выходил на связь 12.10.2025.\nСмирнова Елена Викторовна"
)


def deliver(session_factory, settings, *raws: bytes) -> None:
    with unit_of_work(session_factory) as session:
        store_messages(session, settings, mailbox="hotline", uidvalidity=1, items=[Fetched(raw=r) for r in raws])


def inbox_items(client, staff, **params) -> dict:
    response = client.get("/api/v1/inbox", headers=staff.headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def actions(session_factory, action: str) -> list[AuditEvent]:
    session = session_factory()
    try:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())
    finally:
        session.close()


def email_inquiry(prefill: dict, **overrides) -> dict:
    body = {
        "requester": {
            "full_name": prefill["requester"]["full_name"],
            "relationship": "mother",
            "email": prefill["requester"]["email"],
            "language": prefill["requester"]["language"],
        },
        "consent": {"store": True, "contact_email": True},
        "sought": {k: v for k, v in prefill["sought"].items() if v is not None},
    }
    body.update(overrides)
    return body


@pytest.fixture
def operator(make_staff):
    return make_staff("operator")


def test_inbox_lists_new_emails_oldest_first_with_sender_subject_time_state(
    client, operator, session_factory, settings, backend
):
    deliver(session_factory, settings, messages.plain("Первое.", subject="Первое", sender="a@family.example"))
    deliver(session_factory, settings, messages.plain("Второе.", subject="Второе", sender="b@family.example"))

    page = inbox_items(client, operator)

    assert page["total"] == 2 and (page["limit"], page["offset"]) == (50, 0)
    assert [i["subject"] for i in page["items"]] == ["Первое", "Второе"]
    first = page["items"][0]
    assert first["sender_address"] == "a@family.example"
    assert first["state"] == "new" and first["received_at"]


def test_inbox_read_prefills_inquiry_from_text_and_is_audited(client, operator, session_factory, settings, backend):
    deliver(session_factory, settings, messages.plain(RU_LETTER, sender="Елена Смирнова <elena@family.example>"))
    [item] = inbox_items(client, operator)["items"]

    response = client.get(f"/api/v1/inbox/{item['id']}", headers=operator.headers)

    assert response.status_code == 200, response.text
    mail = response.json()
    assert "Смирнов Дмитрий Андреевич" in mail["body_text"]
    assert mail["prefill"]["requester"] == {
        "full_name": "Елена Смирнова",
        "email": "elena@family.example",
        "language": "ru",
    }
    assert mail["prefill"]["sought"] == {
        "surname": "Смирнов",
        "given_name": "Дмитрий",
        "patronymic": "Андреевич",
        "date_of_birth": "2001-07-21",
        "service_number": "АК-204518",
        "military_unit": "в/ч 45678",
    }
    assert [e.target_id for e in actions(session_factory, "mail.viewed")] == [item["id"]]


def test_create_inquiry_from_email_opens_case_with_original_text_once_per_key(
    client, operator, session_factory, settings, backend
):
    deliver(session_factory, settings, messages.plain(RU_LETTER, sender="Елена Смирнова <elena@family.example>"))
    [item] = inbox_items(client, operator)["items"]
    prefill = client.get(f"/api/v1/inbox/{item['id']}", headers=operator.headers).json()["prefill"]
    headers = {**operator.headers, "Idempotency-Key": str(uuid.uuid4())}

    first = client.post(f"/api/v1/inbox/{item['id']}/inquiry", json=email_inquiry(prefill), headers=headers)
    replay = client.post(f"/api/v1/inbox/{item['id']}/inquiry", json=email_inquiry(prefill), headers=headers)

    assert first.status_code == 201, first.text
    created = first.json()
    assert created["case_opened"] is True and created["access_code"]
    assert created["inquiry"]["channel"] == "email"
    assert created["inquiry"]["message"]["body"].startswith("Здравствуйте!")
    assert created["inquiry"]["message"]["sender"] == "Елена Смирнова <elena@family.example>"
    assert created["inquiry"]["sought"]["surname"] == "Смирнов"
    assert created["mail"]["state"] == "inquiry" and created["mail"]["case_reference"] == created["case_reference"]
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    session = session_factory()
    assert len(session.execute(select(Inquiry)).scalars().all()) == 1
    session.close()
    assert len(actions(session_factory, "mail.inquiry_created")) == 1
    assert inbox_items(client, operator)["total"] == 0


def test_triage_twice_is_refused_with_409_problem(client, operator, session_factory, settings, backend):
    deliver(session_factory, settings, messages.plain("Спам."))
    [item] = inbox_items(client, operator)["items"]
    body = {"kind": "spam", "reason": "реклама"}

    client.post(f"/api/v1/inbox/{item['id']}/dismiss", json=body, headers=operator.headers)
    again = client.post(f"/api/v1/inbox/{item['id']}/dismiss", json=body, headers=operator.headers)

    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["type"].endswith("already-triaged")


def test_create_inquiry_invalid_phone_points_at_field_and_leaves_email_in_inbox(
    client, operator, session_factory, settings, backend
):
    deliver(session_factory, settings, messages.plain(RU_LETTER, sender="elena@family.example"))
    [item] = inbox_items(client, operator)["items"]
    prefill = client.get(f"/api/v1/inbox/{item['id']}", headers=operator.headers).json()["prefill"]
    body = email_inquiry(prefill)
    body["requester"]["full_name"] = "Смирнова Елена"
    body["requester"]["phone"] = "12"

    response = client.post(f"/api/v1/inbox/{item['id']}/inquiry", json=body, headers=operator.headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/requester/phone"
    assert inbox_items(client, operator)["items"][0]["state"] == "new"


def test_attach_email_to_existing_case_adds_inbound_contact(client, operator, session_factory, settings, backend):
    reference = create_inquiry(client, operator, inquiry_body())["case_reference"]
    deliver(session_factory, settings, messages.plain("Муж тоже ищет сына.", sender="petr@family.example"))
    [item] = inbox_items(client, operator)["items"]

    response = client.post(
        f"/api/v1/inbox/{item['id']}/attach",
        json={"case_reference": reference.lower()},
        headers={**operator.headers, "Idempotency-Key": "attach-1"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["state"] == "attached" and response.json()["case_reference"] == reference
    session = session_factory()
    [contact] = session.execute(select(CaseContact)).scalars().all()
    session.close()
    assert (contact.direction, contact.channel, contact.staff_id) == ("inbound", "email", operator.user.id)
    assert "Муж тоже ищет сына." in contact.summary
    assert len(actions(session_factory, "mail.attached")) == 1


def test_attach_with_mistyped_reference_is_422_on_case_reference(client, operator, session_factory, settings, backend):
    reference = create_inquiry(client, operator, inquiry_body())["case_reference"]
    deliver(session_factory, settings, messages.plain("Письмо."))
    [item] = inbox_items(client, operator)["items"]
    typo = reference[:-1] + ("0" if reference[-1] != "0" else "1")

    response = client.post(
        f"/api/v1/inbox/{item['id']}/attach", json={"case_reference": typo}, headers=operator.headers
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/case_reference"


def test_dismiss_needs_a_reason_and_records_it(client, operator, session_factory, settings, backend):
    deliver(session_factory, settings, messages.plain("Интервью?", sender="editor@press.example"))
    [item] = inbox_items(client, operator)["items"]

    missing = client.post(f"/api/v1/inbox/{item['id']}/dismiss", json={"kind": "press"}, headers=operator.headers)
    done = client.post(
        f"/api/v1/inbox/{item['id']}/dismiss",
        json={"kind": "press", "reason": "Запрос журналиста, передан пресс-службе"},
        headers=operator.headers,
    )

    assert missing.status_code == 422 and missing.json()["errors"][0]["pointer"] == "#/reason"
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["dismiss_kind"]) == ("dismissed", "press")
    assert done.json()["triaged_by"]["id"] == operator.id
    assert inbox_items(client, operator, state="dismissed")["total"] == 1
    [event] = actions(session_factory, "mail.dismissed")
    assert "Запрос" not in str(event.details)


def test_raw_source_and_attachment_download_as_received(client, operator, session_factory, settings, backend):
    data = b"\x89PNG fake image bytes"
    raw = messages.with_attachments("Фото.", [("photo.png", "image/png", data)])
    deliver(session_factory, settings, raw)
    [item] = inbox_items(client, operator)["items"]

    source = client.get(f"/api/v1/inbox/{item['id']}/raw", headers=operator.headers)
    file = client.get(f"/api/v1/inbox/{item['id']}/attachments/1", headers=operator.headers)
    missing = client.get(f"/api/v1/inbox/{item['id']}/attachments/2", headers=operator.headers)

    assert source.status_code == 200 and source.content == raw
    assert source.headers["content-type"] == "message/rfc822"
    assert file.status_code == 200 and file.content == data
    assert file.headers["content-type"] == "application/octet-stream"
    assert file.headers["x-content-type-options"] == "nosniff"
    assert file.headers["content-disposition"].startswith("attachment")
    assert missing.status_code == 404


def test_auditor_reads_inbox_but_cannot_triage_and_coordinator_cannot_read(
    client, make_staff, session_factory, settings, backend
):
    deliver(session_factory, settings, messages.plain("Письмо."))
    auditor, coordinator = make_staff("auditor"), make_staff("coordinator")
    [item] = inbox_items(client, auditor)["items"]

    dismiss = client.post(
        f"/api/v1/inbox/{item['id']}/dismiss", json={"kind": "spam", "reason": "x"}, headers=auditor.headers
    )

    assert dismiss.status_code == 403
    assert client.get("/api/v1/inbox", headers=coordinator.headers).status_code == 403
