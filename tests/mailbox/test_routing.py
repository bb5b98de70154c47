"""Routing: a case reference from one of the case's requesters files the email in that case; anything else waits."""

from __future__ import annotations

from sqlalchemy import select

from app.cases.models import Case, CaseContact
from app.cases.references import check_symbol
from app.mailbox.models import MailState
from app.mailbox.routing import references_in
from tests.cases.factories import create_inquiry, inquiry_body
from tests.mailbox import messages
from tests.mailbox.helpers import stored

MOTHER = "maria.ivanova@family.example"


def _case_with_email(client, operator) -> str:
    body = inquiry_body(requester={"email": "Maria.Ivanova@Family.example"}, consent={"contact_email": True})
    return create_inquiry(client, operator, body)["case_reference"]


def _case_and_contacts(session_factory, reference: str) -> tuple[Case, list[CaseContact]]:
    session = session_factory()
    try:
        case = session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        contacts = list(session.execute(select(CaseContact).where(CaseContact.case_id == case.id)).scalars())
        return case, contacts
    finally:
        session.close()


def test_references_in_text_accepts_spacing_and_case_rejects_bad_check_character():
    body = "PW7K4MQ9XR"
    good = f"PW-{body[2:6]}-{body[6:10]}-{check_symbol(body[2:])}"
    wrong = "X" if check_symbol(body[2:]) != "X" else "Y"
    text = f"номер дела {good.lower().replace('-', ' ')} и ещё PW-{body[2:6]}-{body[6:10]}-{wrong}"
    assert references_in(text) == [good]


def test_email_with_reference_from_requester_goes_to_case_contact_log(
    client, make_staff, mailbox, session_factory, backend
):
    operator = make_staff("operator")
    reference = _case_with_email(client, operator)
    mailbox.deliver(
        messages.plain(
            f"Добрый день. По делу {reference}: сын звонил вчера, он жив.",
            sender=f"Мария <{MOTHER.upper()}>",
            subject=f"Re: {reference}",
        )
    )

    mailbox.poll()

    [message] = stored(session_factory)
    case, contacts = _case_and_contacts(session_factory, reference)
    assert message.state == MailState.ROUTED.value
    assert message.case_id == case.id
    [contact] = contacts
    assert (contact.direction, contact.channel) == ("inbound", "email")
    assert "сын звонил вчера" in contact.summary
    assert message.contact_id == contact.id and contact.inquiry_id == message.inquiry_id
    assert case.needs_review is True

    timeline = client.get(f"/api/v1/cases/{reference}/contacts", headers=operator.headers)
    assert timeline.status_code == 200
    assert timeline.json()["items"][0]["channel"] == "email"


def test_email_with_reference_from_stranger_waits_in_inbox(client, make_staff, mailbox, session_factory, backend):
    operator = make_staff("operator")
    reference = _case_with_email(client, operator)
    mailbox.deliver(messages.plain(f"Что с делом {reference}?", sender="journalist@press.example"))

    mailbox.poll()

    [message] = stored(session_factory)
    case, contacts = _case_and_contacts(session_factory, reference)
    assert message.state == MailState.NEW.value and message.case_id is None
    assert contacts == [] and case.needs_review is False


def test_email_with_mistyped_reference_from_requester_waits_in_inbox(
    client, make_staff, mailbox, session_factory, backend
):
    operator = make_staff("operator")
    reference = _case_with_email(client, operator)
    last = reference[-1]
    typo = reference[:-1] + ("0" if last != "0" else "1")
    mailbox.deliver(messages.plain(f"Дело {typo}", sender=MOTHER))

    mailbox.poll()

    [message] = stored(session_factory)
    assert message.state == MailState.NEW.value
    assert _case_and_contacts(session_factory, reference)[1] == []
