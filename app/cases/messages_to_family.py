"""Messages staff write *for the family*: in the family's language, shown on their portal, announced by email.

Only these reach a family. A contact-log entry or a staff note is never shown on the portal, whatever its flags: the
portal reads outbound contacts with purpose `family_message` only. A message to one requester must be written in
that requester's language; the reviewed templates below (ru, uk, en) cover the common updates, and none of them
carries news a person must tell first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.family_updates import UpdateKind, announce
from app.cases.models import CaseContact, ContactPurpose
from app.cases.policies import get_case_for
from app.cases.service import ensure_active
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Unprocessable
from app.inquiries.models import Inquiry

LANGUAGES = ("ru", "uk", "en")


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    key: str
    title: str
    texts: dict[str, str]


TEMPLATES: tuple[MessageTemplate, ...] = (
    MessageTemplate(
        "still_searching",
        "We are still searching",
        {
            "ru": "Мы продолжаем проверять списки. Как только мы что-то узнаем, мы сразу напишем вам здесь "
            "или позвоним.",
            "uk": "Ми продовжуємо перевіряти списки. Щойно ми щось дізнаємося, ми одразу напишемо вам тут "
            "або зателефонуємо.",
            "en": "We are still checking the lists. As soon as we learn anything, we will write to you here or "
            "call you.",
        },
    ),
    MessageTemplate(
        "message_received",
        "Your message was received",
        {
            "ru": "Спасибо за ваше сообщение. Мы добавили эти сведения в дело, они помогут поиску.",
            "uk": "Дякуємо за ваше повідомлення. Ми додали ці відомості до справи, вони допоможуть пошуку.",
            "en": "Thank you for your message. We have added this information to the case; it helps the search.",
        },
    ),
    MessageTemplate(
        "please_call_back",
        "We could not reach you",
        {
            "ru": "Мы пытались до вас дозвониться, но не смогли. Пожалуйста, перезвоните нам, когда вам будет удобно.",
            "uk": "Ми намагалися до вас додзвонитися, але не змогли. Будь ласка, передзвоніть нам, коли вам буде "
            "зручно.",
            "en": "We tried to call you but could not reach you. Please call us back when it suits you.",
        },
    ),
    MessageTemplate(
        "more_details",
        "Please send more details",
        {
            "ru": "Чтобы продолжить поиск, нам нужны дополнительные сведения: номер воинской части, звание, дата "
            "и место последней связи, особые приметы. Напишите нам здесь всё, что знаете.",
            "uk": "Щоб продовжити пошук, нам потрібні додаткові відомості: номер військової частини, звання, дата "
            "й місце останнього зв'язку, особливі прикмети. Напишіть нам тут усе, що знаєте.",
            "en": "To continue the search we need more details: the military unit, rank, the date and place of your "
            "last contact, distinguishing marks. Please write to us here whatever you know.",
        },
    ),
    MessageTemplate(
        "documents_for_travel",
        "Documents for travel",
        {
            "ru": "Пожалуйста, проверьте, что у всех, кто поедет, есть действующий заграничный паспорт. Если "
            "паспорта нет, сообщите нам: мы подскажем, что делать.",
            "uk": "Будь ласка, перевірте, що в усіх, хто поїде, є чинний закордонний паспорт. Якщо паспорта немає, "
            "повідомте нам: ми підкажемо, що робити.",
            "en": "Please check that everyone who will travel has a valid international passport. If someone does "
            "not, let us know and we will tell you what to do.",
        },
    ),
)
BY_KEY = {template.key: template for template in TEMPLATES}


def send_family_message(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    text: str | None,
    template_key: str | None,
    language: str,
    inquiry_id: uuid.UUID | None,
) -> CaseContact:
    """Post a message to the family's portal (one requester, or every requester of the case) and email them."""
    case = get_case_for(session, principal, reference)
    ensure_active(case)
    if language not in LANGUAGES:
        raise Unprocessable.field("#/language", "ru, uk or en")
    if inquiry_id is not None:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None or inquiry.case_id != case.id:
            raise Unprocessable.field("#/inquiry_id", "not an inquiry of this case")
        if inquiry.requester_language != language:
            raise Unprocessable.field(
                "#/language",
                f"This requester reads {inquiry.requester_language}; write the message in their language.",
            )
    if template_key is not None:
        template = BY_KEY.get(template_key)
        if template is None:
            raise Unprocessable.field("#/template", "no such template")
        body = text or template.texts[language]
    else:
        body = (text or "").strip()
    if not body:
        raise Unprocessable.field("#/text", "Write the message, or choose a template.")
    now = utcnow()
    contact = CaseContact(
        case_id=case.id,
        inquiry_id=inquiry_id,
        direction="outbound",
        channel="portal",
        occurred_at=now,
        summary=body,
        staff_id=principal.user_id,
        visible_to_family=True,
        purpose=ContactPurpose.FAMILY_MESSAGE.value,
        language=language,
        created_at=now,
    )
    session.add(contact)
    case.family_updated_at = now
    session.flush()
    details = {"contact_id": str(contact.id), "language": language, "template": template_key}
    add_event(session, case, actor=principal.actor, kind="family_message_sent", details=details)
    record(
        session,
        actor=principal.actor,
        action="case.family_message_sent",
        target_type="case",
        target_id=case.id,
        details={**details, "inquiry_id": inquiry_id, "length": len(body)},
    )
    announce(session, case_id=case.id, kind=UpdateKind.STAFF_MESSAGE, occasion=str(contact.id), inquiry_id=inquiry_id)
    return contact


def recipients(session: Session, *, principal: StaffPrincipal, reference: str) -> list[Inquiry]:
    """The requesters of the case, with the language each reads (the console writes in it)."""
    case = get_case_for(session, principal, reference)
    return list(
        session.execute(select(Inquiry).where(Inquiry.case_id == case.id).order_by(Inquiry.received_at)).scalars()
    )
