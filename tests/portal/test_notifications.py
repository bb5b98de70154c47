"""Emails that never carry the news: every update email, in ru, uk and en, over a real SMTP exchange (aiosmtpd),
holds none of the outcome, the place, the travel date or the sought person's name; a requester not yet told of a
death by a person gets none; every email has the anti-fraud notice and an unsubscribe link that works without
signing in; in development, mail no SMTP server takes is kept under var/mail."""

from __future__ import annotations

import re
import socket
from email.header import decode_header, make_header
from email.message import Message

import pytest
from sqlalchemy import select

from app.cases.family_updates import UpdateKind, announce
from app.config import Settings
from app.inquiries.models import Inquiry
from app.jobs import run_pending
from app.notifications.jobs import send_email
from app.notifications.service import OutgoingEmail, register_composer
from app.reference.models import BorderCrossing, TransitHub
from app.transaction import unit_of_work
from tests.handovers.factories import change, request_handover, schedule
from tests.portal.factories import add_contact, make_family
from tests.portal.helpers import arrange, read
from tests.portal.test_disclosure import DEATH_WORDS, _confirm_death, _family_of_two
from tests.reference.factories import build_world

ANTI_FRAUD = {
    "ru": "Министерство никогда не просит денег",
    "uk": "Міністерство ніколи не просить грошей",
    "en": "The ministry never asks for money",
}
SOUGHT = {"sought_surname": "Zakharchenko", "sought_given_name": "Zinovy", "sought_patronymic": "Zosimovich"}
OUTCOME_WORDS = (*DEATH_WORDS, "deceased", "released", "captivity", "плен", "полон", "освобожд", "звільн")


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _text(message: Message) -> str:
    return f"{_subject(message)}\n{_body(message)}".lower()


def _remains_plan(client, session_factory, make_staff, language):
    """A told family (deceased, notification contact logged) whose remains handover is scheduled and approved."""

    def build(session):
        case, inquiry, _code = make_family(
            session,
            state="deceased",
            outcome="deceased",
            requester_language=language,
            consent_contact_email=True,
            requester_email=f"mother-{language}@example.org",
            **SOUGHT,
        )
        add_contact(session, case, inquiry_id=inquiry.id, channel="phone", purpose="death_notification")
        return case, inquiry

    world = build_world(session_factory)
    case, inquiry = arrange(session_factory, build)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    handover = request_handover(client, coordinator, case.id, type="remains_repatriation")
    scheduled = schedule(
        client,
        coordinator,
        handover["id"],
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    assert scheduled.status_code == 200, scheduled.text
    assert change(client, supervisor, handover["id"], "approve", {}).status_code == 200
    return world, case, inquiry, handover, coordinator


def _place_words(session_factory, world) -> list[str]:
    def names(session):
        crossing = session.get(BorderCrossing, world.crossings["open"])
        hub = session.execute(select(TransitHub)).scalars().all()
        words = [crossing.name_ru, crossing.name_uk, crossing.name_en, crossing.name_pl]
        for h in hub:
            words += [h.name_ru, h.name_uk, h.name_en]
        return words

    return [w.lower() for w in read(session_factory, names)]


@pytest.mark.parametrize("language", ["ru", "uk", "en"])
def test_every_update_email_carries_no_news_in_any_language(
    client, session_factory, make_staff, smtp_inbox, settings, language, backend
):
    world, case, inquiry, handover, coordinator = _remains_plan(client, session_factory, make_staff, language)
    run_pending(session_factory)  # "your travel instructions are ready" (composed while the plan still holds)
    assert change(client, coordinator, handover["id"], "cancel", {"reason": "Postponed"}).status_code == 200
    with unit_of_work(session_factory) as session:
        announce(session, case_id=case.id, kind=UpdateKind.STAFF_MESSAGE, occasion="test-message")
        announce(session, case_id=case.id, kind=UpdateKind.STATUS_CHANGED, occasion="test-status")
    reissued = client.post(
        f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code", headers=make_staff("operator").headers
    )
    assert reissued.status_code in (200, 201), reissued.text
    run_pending(session_factory)

    subjects = [_subject(m) for m in smtp_inbox.messages]
    assert len(smtp_inbox.messages) == 5, subjects  # scheduled, cancelled, message, status, access code
    canaries = [
        *(v.lower() for v in SOUGHT.values()),
        *OUTCOME_WORDS,
        *_place_words(session_factory, world),
        world.day.isoformat(),
        world.day.strftime("%d.%m"),
        "north",
    ]
    for message in smtp_inbox.messages:
        text = _text(message)
        for canary in canaries:
            assert canary not in text, (canary, _subject(message))
        assert message["Content-Language"] == language
        assert ANTI_FRAUD[language].lower() in text
        assert f"{settings.portal.base_url}/portal/unsubscribe?lang={language}&token=" in _body(message)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    if language == "en":
        assert subjects == [
            "Your travel plan",
            "Your travel plan has changed",
            "New message about your case",
            "Update on your case",
            "Your access to the family portal",
        ]


def test_requester_not_yet_told_of_a_death_gets_no_status_or_travel_email(
    client, session_factory, make_staff, smtp_inbox, backend
):
    def build(session):
        case, (mother, _), (father, _) = _family_of_two(session)
        for inquiry in (mother, father):
            inquiry.consent_contact_email = True
            inquiry.requester_email = f"{inquiry.requester_relationship}@example.org"
        return case, mother, father

    case, mother, _father = arrange(session_factory, build)
    _confirm_death(client, make_staff, case.reference)
    operator = make_staff("operator")
    told = {"direction": "outbound", "channel": "phone", "summary": "Told", "purpose": "death_notification"}
    logged = client.post(
        f"/api/v1/cases/{case.reference}/contacts",
        json={**told, "inquiry_id": str(mother.id)},
        headers=operator.headers,
    )
    assert logged.status_code == 201
    run_pending(session_factory)
    recipients = [m["X-Envelope-To"] for m in smtp_inbox.messages]
    assert recipients == ["mother@example.org"]  # the father has not been told: nothing reaches him
    with unit_of_work(session_factory) as session:
        announce(session, case_id=case.id, kind=UpdateKind.STAFF_MESSAGE, occasion="hello")
    run_pending(session_factory)
    assert sorted(m["X-Envelope-To"] for m in smtp_inbox.messages[1:]) == ["father@example.org", "mother@example.org"]


def test_unsubscribe_link_stops_emails_without_signing_in(client, session_factory, smtp_inbox, backend):
    def build(session):
        case, inquiry, _ = make_family(session, consent_contact_email=True, requester_language="uk")
        announce(session, case_id=case.id, kind=UpdateKind.STAFF_MESSAGE, occasion="first")
        return case, inquiry

    case, inquiry = arrange(session_factory, build)
    run_pending(session_factory)
    (message,) = smtp_inbox.messages
    url = re.search(r"(http\S+/portal/unsubscribe\?\S+)", _body(message)).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert (
        page.status_code == 200 and "Не надсилати листи" in page.text.replace("&#39;", "'")
    ) or "Не надсилати" in page.text
    token = path.split("token=", 1)[1]
    assert read(session_factory, lambda s: s.get(Inquiry, inquiry.id).consent_contact_email) is True
    done = client.post("/portal/unsubscribe", data={"token": token})
    assert done.status_code == 200
    assert read(session_factory, lambda s: s.get(Inquiry, inquiry.id).consent_contact_email) is False
    assert client.post("/portal/unsubscribe", params={"token": token}).status_code == 200  # one-click, idempotent
    assert client.post("/portal/unsubscribe", data={"token": token[:-2] + "xx"}).status_code == 400
    with unit_of_work(session_factory) as session:
        announce(session, case_id=case.id, kind=UpdateKind.STAFF_MESSAGE, occasion="second")
    run_pending(session_factory)
    assert len(smtp_inbox.messages) == 1


@register_composer("test.sink")
def _compose_test(session, payload):
    return OutgoingEmail(to="family@example.org", subject="Sink test", body="Hello from the sink", language="en")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_development_keeps_mail_no_smtp_server_takes(session_factory, tmp_path):
    development = Settings(environment="development", mail_sink_dir=tmp_path, smtp={"port": _closed_port()})
    with session_factory() as session:
        session.info["settings"] = development
        send_email(session, {"kind": "test.sink"})
    (kept,) = tmp_path.glob("*.eml")
    assert "Hello from the sink" in kept.read_text()
    testing = Settings(environment="test", smtp={"port": _closed_port()})
    with session_factory() as session:
        session.info["settings"] = testing
        with pytest.raises(OSError):
            send_email(session, {"kind": "test.sink"})  # elsewhere the queue retries
