"""The email inbox in the console over HTTP: the list oldest first with age, the triage screen prefilled from the
email, and the three actions going through the same services as the API."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.cases.models import CaseContact
from app.inquiries.models import Inquiry
from app.mailbox.intake import Fetched, store_messages
from app.mailbox.models import MailMessage
from app.transaction import unit_of_work
from tests.cases.factories import create_inquiry, inquiry_body
from tests.console.helpers import add_staff, sign_in
from tests.mailbox import messages

LETTER = (
    "Здравствуйте!\nИщу сына: Смирнов Дмитрий Андреевич, 21.07.2001 г.р., в/ч 45678.\n"
    "Помогите, пожалуйста.\nЕлена Смирнова"
)


def deliver(session_factory, settings, raw: bytes) -> str:
    with unit_of_work(session_factory) as session:
        store_messages(session, settings, mailbox="hotline", uidvalidity=1, items=[Fetched(raw=raw)])
    session = session_factory()
    try:
        return str(session.execute(select(MailMessage.id).order_by(MailMessage.received_at.desc())).scalars().first())
    finally:
        session.close()


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_inbox_lists_new_emails_with_age_and_opens_prefilled_triage(client, session_factory, settings):
    console = sign_in(client, add_staff(session_factory, "operator"))
    mail_id = deliver(session_factory, settings, messages.plain(LETTER, sender="Елена Смирнова <elena@family.example>"))

    listing = console.get("/staff/inbox")
    triage = console.get(f"/staff/inbox/{mail_id}")

    assert listing.status_code == 200
    assert "Ищу сына" in listing.text and f"/staff/inbox/{mail_id}" in listing.text
    assert "хвилин" in listing.text  # the age, in the console's default language (uk)
    assert triage.status_code == 200
    assert "Смирнов Дмитрий Андреевич" in triage.text  # the email itself
    assert 'name="sought.surname" type="text" value="Смирнов"' in triage.text
    assert 'name="sought.date_of_birth" type="text" value="21.07.2001"' in triage.text
    assert 'name="requester.email" type="email" value="elena@family.example"' in triage.text
    assert f'action="/staff/inbox/{mail_id}/inquiry"' in triage.text


def test_triage_creates_inquiry_once_and_email_leaves_inbox(client, session_factory, settings):
    console = sign_in(client, add_staff(session_factory, "operator"))
    mail_id = deliver(session_factory, settings, messages.plain(LETTER, sender="Елена Смирнова <elena@family.example>"))
    form = console.get(f"/staff/inbox/{mail_id}").text
    data = {
        "idempotency_key": _key(form),
        "requester.full_name": "Смирнова Елена",
        "requester.relationship": "mother",
        "requester.email": "elena@family.example",
        "requester.language": "ru",
        "consent.store": "true",
        "sought.surname": "Смирнов",
        "sought.given_name": "Дмитрий",
        "sought.date_of_birth": "21.07.2001",
    }

    first = console.post(f"/staff/inbox/{mail_id}/inquiry", data)
    again = console.post(f"/staff/inbox/{mail_id}/inquiry", data)

    assert first.status_code == 201, first.text
    assert re.search(r"PW-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", first.text)
    assert again.status_code == 201
    session = session_factory()
    [inquiry] = session.execute(select(Inquiry)).scalars().all()
    session.close()
    assert inquiry.channel == "email" and inquiry.message_body.startswith("Здравствуйте!")
    assert "Ищу сына" not in console.get("/staff/inbox").text


def test_triage_invalid_form_comes_back_filled_with_error_beside_field(client, session_factory, settings):
    console = sign_in(client, add_staff(session_factory, "operator"))
    mail_id = deliver(session_factory, settings, messages.plain(LETTER, sender="elena@family.example"))

    response = console.post(
        f"/staff/inbox/{mail_id}/inquiry",
        {"requester.full_name": "Смирнова Елена", "sought.surname": "Смирнов", "requester.phone": "12"},
    )

    assert response.status_code == 422
    assert 'value="Смирнов"' in response.text
    assert "field-error" in response.text


def test_attach_and_dismiss_from_console(client, make_staff, session_factory, settings):
    operator = make_staff("operator")
    reference = create_inquiry(client, operator, inquiry_body())["case_reference"]
    console = sign_in(client, add_staff(session_factory, "operator"))
    first = deliver(session_factory, settings, messages.plain("Муж тоже пишет о сыне.", sender="petr@family.example"))
    second = deliver(session_factory, settings, messages.plain("Скидки!", sender="shop@ads.example"))

    wrong = console.post(f"/staff/inbox/{first}/attach", {"case_reference": reference[:-1] + "Z"})
    attached = console.post(f"/staff/inbox/{first}/attach", {"case_reference": reference}, follow_redirects=False)
    missing_reason = console.post(f"/staff/inbox/{second}/dismiss", {"kind": "spam"})
    dismissed = console.post(
        f"/staff/inbox/{second}/dismiss", {"kind": "spam", "reason": "реклама"}, follow_redirects=False
    )

    assert wrong.status_code == 422 and "field-error" in wrong.text
    assert attached.status_code == 303
    assert missing_reason.status_code == 422
    assert dismissed.status_code == 303
    session = session_factory()
    [contact] = session.execute(select(CaseContact)).scalars().all()
    states = sorted(session.execute(select(MailMessage.state)).scalars())
    session.close()
    assert "Муж тоже пишет" in contact.summary
    assert states == ["attached", "dismissed"]
    assert reference in console.get(f"/staff/inbox/{first}").text
