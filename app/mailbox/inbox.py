"""Reading the email inbox: the listing (oldest first, so nobody waits longest), one message, its raw source and
attachments. Every read of a message is audited: emails are personal data.

Messages already filed in a case are visible only to staff who may see that case (`case_scope`); unfiled mail is the
whole hotline's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case
from app.cases.policies import case_scope
from app.errors import NotFound
from app.mailbox.models import MailAttachment, MailMessage
from app.mailbox.prefill import Prefill, prefill
from app.staff.models import StaffUser


@dataclass(frozen=True, slots=True)
class InboxRow:
    message: MailMessage
    attachments: int
    case_reference: str | None


@dataclass(frozen=True, slots=True)
class MailView:
    message: MailMessage
    attachments: list[MailAttachment]
    case_reference: str | None
    triaged_by_name: str | None
    prefill: Prefill | None


def mail_scope(principal: StaffPrincipal) -> ColumnElement[bool]:
    return or_(MailMessage.case_id.is_(None), MailMessage.case_id.in_(select(Case.id).where(case_scope(principal))))


def _attachment_count() -> ColumnElement[int]:
    return (
        select(func.count(MailAttachment.id))
        .where(MailAttachment.mail_id == MailMessage.id)
        .correlate(MailMessage)
        .scalar_subquery()
    )


def list_inbox(
    session: Session, *, principal: StaffPrincipal, state: str | None, limit: int, offset: int
) -> tuple[list[InboxRow], int]:
    query = select(MailMessage, _attachment_count(), Case.reference).outerjoin(Case, Case.id == MailMessage.case_id)
    query = query.where(mail_scope(principal))
    if state is not None:
        query = query.where(MailMessage.state == state)
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = session.execute(query.order_by(MailMessage.received_at, MailMessage.id).limit(limit).offset(offset))
    return [InboxRow(m, int(count), ref) for m, count, ref in rows], int(total)


def find_message(session: Session, principal: StaffPrincipal, mail_id: uuid.UUID) -> MailMessage:
    message = session.execute(
        select(MailMessage).where(MailMessage.id == mail_id, mail_scope(principal))
    ).scalar_one_or_none()
    if message is None:
        raise NotFound("There is no such email, or it is not yours to see.")
    return message


def view(session: Session, message: MailMessage) -> MailView:
    """Everything shown about one message (no audit: the caller decides whether this was a read)."""
    attachments = list(
        session.execute(
            select(MailAttachment).where(MailAttachment.mail_id == message.id).order_by(MailAttachment.position)
        ).scalars()
    )
    reference = (
        session.execute(select(Case.reference).where(Case.id == message.case_id)).scalar_one_or_none()
        if message.case_id
        else None
    )
    triager = session.get(StaffUser, message.triaged_by_id) if message.triaged_by_id else None
    guess = (
        prefill(
            text=message.body_text,
            subject=message.subject,
            sender_name=message.sender_name,
            sender_address=message.sender_address,
            language=message.language,
        )
        if message.state == "new"
        else None
    )
    return MailView(message, attachments, reference, triager.full_name if triager else None, guess)


def read_message(session: Session, *, principal: StaffPrincipal, mail_id: uuid.UUID) -> MailView:
    message = find_message(session, principal, mail_id)
    record(session, actor=principal.actor, action="mail.viewed", target_type="mail_message", target_id=message.id)
    return view(session, message)


def raw_source(session: Session, *, principal: StaffPrincipal, mail_id: uuid.UUID) -> bytes:
    """The message exactly as received (evidence); audited."""
    message = find_message(session, principal, mail_id)
    record(
        session, actor=principal.actor, action="mail.raw_downloaded", target_type="mail_message", target_id=message.id
    )
    return message.raw


def attachment_content(
    session: Session, *, principal: StaffPrincipal, mail_id: uuid.UUID, position: int
) -> tuple[MailAttachment, bytes]:
    message = find_message(session, principal, mail_id)
    attachment = session.execute(
        select(MailAttachment).where(MailAttachment.mail_id == message.id, MailAttachment.position == position)
    ).scalar_one_or_none()
    if attachment is None or attachment.content is None:
        raise NotFound("There is no such stored attachment.")
    record(
        session,
        actor=principal.actor,
        action="mail.attachment_downloaded",
        target_type="mail_message",
        target_id=message.id,
        details={"position": position},
    )
    return attachment, attachment.content
