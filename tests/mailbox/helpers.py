"""Reading what the intake stored, in short transactions of their own."""

from __future__ import annotations

from sqlalchemy import select

from app.mailbox.models import MailAttachment, MailMessage


def stored(session_factory) -> list[MailMessage]:
    session = session_factory()
    try:
        return list(session.execute(select(MailMessage).order_by(MailMessage.received_at, MailMessage.uid)).scalars())
    finally:
        session.close()


def raw_of(session_factory, message_id) -> bytes:
    session = session_factory()
    try:
        return session.execute(select(MailMessage.raw).where(MailMessage.id == message_id)).scalar_one()
    finally:
        session.close()


def attachments_of(session_factory, message_id) -> list[tuple[MailAttachment, bytes | None]]:
    session = session_factory()
    try:
        rows = session.execute(
            select(MailAttachment, MailAttachment.content)
            .where(MailAttachment.mail_id == message_id)
            .order_by(MailAttachment.position)
        )
        return [(a, c) for a, c in rows]
    finally:
        session.close()
