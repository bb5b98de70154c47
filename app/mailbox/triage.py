"""The operator's three decisions on an email in the inbox, each audited, each taken once.

* **inquiry**: the email becomes an inquiry through the hotline's one inquiry builder (`app.inquiries.service`),
  with the email's received time and original text; the operator's corrections of the prefill are what is stored.
* **attach**: the email joins a case's contact log as an inbound email (a relative writing again), and the case is
  flagged for review.
* **dismiss**: not an inquiry (spam, press, other), with a reason.

The message row is locked first, so two operators acting at once cannot both triage it: the second gets 409.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Channel
from app.cases.policies import get_case_for
from app.cases.references import parse_reference
from app.cases.service import ensure_active
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.inquiries import service as inquiries
from app.inquiries.builder import InquiryCreated
from app.inquiries.models import Inquiry
from app.inquiries.schemas import InquiryCreate, MessageIn
from app.mailbox.inbox import mail_scope
from app.mailbox.models import DismissKind, MailMessage, MailState
from app.mailbox.routing import file_in_case
from app.mailbox.schemas import EmailInquiryIn

NO_TEXT = "(the email has no text; see its attachments or raw source)"


class AlreadyTriaged(Conflict):
    code, title = "already-triaged", "This email was already dealt with"


def _open_message(session: Session, principal: StaffPrincipal, mail_id: uuid.UUID) -> MailMessage:
    message = session.execute(
        select(MailMessage)
        .where(MailMessage.id == mail_id, mail_scope(principal))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if message is None:
        raise NotFound("There is no such email, or it is not yours to see.")
    if message.state != MailState.NEW.value:
        raise AlreadyTriaged(f"This email is already `{message.state}`.", state=message.state)
    return message


def _triaged(message: MailMessage, principal: StaffPrincipal, state: MailState) -> None:
    message.state, message.triaged_by_id, message.triaged_at = state.value, principal.user_id, utcnow()


def _sender(message: MailMessage) -> str | None:
    if message.sender_address is None:
        return message.sender_name
    named = f"{message.sender_name} <{message.sender_address}>" if message.sender_name else message.sender_address
    return named[:300]


def create_inquiry(
    session: Session,
    *,
    principal: StaffPrincipal,
    mail_id: uuid.UUID,
    data: EmailInquiryIn,
) -> tuple[InquiryCreated, MailMessage]:
    """Log the inquiry the email carries (`data` as the operator confirmed it; channel and message are set here)."""
    message = _open_message(session, principal, mail_id)
    original = MessageIn(subject=message.subject, sender=_sender(message), body=message.body_text or NO_TEXT)
    confirmed = InquiryCreate(
        channel=Channel.EMAIL,
        received_at=message.received_at,
        requester=data.requester,
        consent=data.consent,
        sought=data.sought,
        message=original,
        operator_notes=data.operator_notes,
        case_reference=data.case_reference,
    )
    created = inquiries.create_inquiry(session, principal=principal, data=confirmed)
    _triaged(message, principal, MailState.INQUIRY)
    message.inquiry_id, message.case_id = created.inquiry.id, created.case.id
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="mail.inquiry_created",
        target_type="mail_message",
        target_id=message.id,
        details={"inquiry_id": created.inquiry.id, "case_id": created.case.id, "case_opened": created.case_opened},
    )
    return created, message


def attach(
    session: Session,
    *,
    principal: StaffPrincipal,
    mail_id: uuid.UUID,
    case_reference: str,
    inquiry_id: uuid.UUID | None,
) -> MailMessage:
    """File the email in the case's contact log as an inbound email from the family."""
    message = _open_message(session, principal, mail_id)
    canonical = parse_reference(case_reference, pointer="#/case_reference")
    case = get_case_for(session, principal, canonical, for_update=True)
    ensure_active(case)
    if inquiry_id is not None:
        owner = session.execute(select(Inquiry.case_id).where(Inquiry.id == inquiry_id)).scalar_one_or_none()
        if owner != case.id:
            raise Unprocessable.field("#/inquiry_id", "not an inquiry of this case")
    contact = file_in_case(session, message, case, inquiry_id)
    contact.staff_id = principal.user_id
    message.inquiry_id = inquiry_id
    _triaged(message, principal, MailState.ATTACHED)
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="email_attached",
        details={"mail_id": str(message.id), "contact_id": str(contact.id)},
    )
    record(
        session,
        actor=principal.actor,
        action="mail.attached",
        target_type="mail_message",
        target_id=message.id,
        details={"case_id": case.id, "contact_id": contact.id, "inquiry_id": inquiry_id},
    )
    return message


def dismiss(
    session: Session, *, principal: StaffPrincipal, mail_id: uuid.UUID, kind: DismissKind, reason: str
) -> MailMessage:
    message = _open_message(session, principal, mail_id)
    _triaged(message, principal, MailState.DISMISSED)
    message.dismiss_kind, message.dismiss_reason = kind.value, reason
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="mail.dismissed",
        target_type="mail_message",
        target_id=message.id,
        details={"kind": kind.value, "dismiss_reason": reason},
    )
    return message
