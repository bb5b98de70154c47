"""Stored email: the raw message as received, what was read from it, its attachments, and who writes to us.

A message is identified twice over: by where it was found (mailbox name, the folder's UIDVALIDITY and the UID) and by
what it is (`dedupe_key`, from its Message-ID, or from its bytes when it has none), so the same message fetched again
after a crash, or delivered twice, is stored once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class MailState(StrEnum):
    NEW = "new"
    """In the email inbox, waiting for an operator."""
    ROUTED = "routed"
    """A requester wrote about their own case: filed in its contact log automatically."""
    INQUIRY = "inquiry"
    """An operator turned it into an inquiry."""
    ATTACHED = "attached"
    """An operator filed it in a case's contact log."""
    DISMISSED = "dismissed"
    """Not an inquiry (spam, press, other), with the operator's reason."""


OPEN_STATES = frozenset({MailState.NEW.value})


class DismissKind(StrEnum):
    SPAM = "spam"
    PRESS = "press"
    OTHER = "other"


class Acknowledgement(StrEnum):
    """What became of the automatic reply to a message."""

    QUEUED = "queued"
    AUTOMATIC = "automatic"  # the message itself is automatic mail: never answered
    KNOWN_SENDER = "known_sender"  # acknowledged recently already
    RATE_LIMITED = "rate_limited"  # the hourly cap of all acknowledgements was reached
    NO_ADDRESS = "no_address"
    DISABLED = "disabled"


class MailMessage(Base):
    __tablename__ = "mail_message"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    mailbox: Mapped[str] = mapped_column(String(40))
    """The configured mailbox name (`directory` for the development drop directory)."""
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(255))
    """The Message-ID header without angle brackets, as given."""
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the normalized Message-ID, or of the raw bytes when there is none."""
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """The RFC 5322 message exactly as received (only the header when the message was over the size limit)."""
    raw_size: Mapped[int]
    """Size of the whole message on the server, in bytes."""
    raw_sha256: Mapped[str] = mapped_column(String(64))
    sender_address: Mapped[str | None] = mapped_column(String(254), index=True)
    """Lower-cased address from `From`."""
    sender_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    """The `Date` header (the sender's clock)."""
    received_at: Mapped[datetime]
    """When we stored it."""
    body_text: Mapped[str | None] = mapped_column(Text)
    body_source: Mapped[str] = mapped_column(String(8), default="none")
    """`plain`, `html` (turned into text) or `none`."""
    language: Mapped[str | None] = mapped_column(String(2))
    """`ru`, `uk` or `en`, detected from the text."""
    automatic: Mapped[str | None] = mapped_column(String(60))
    """Why this is automatic mail (auto-reply, bounce, mailing list), or None for mail a person wrote."""
    problems: Mapped[list[str]] = mapped_column(default=list)
    """What could not be read (malformed header, unknown charset, attachment over the limit), for the operator."""
    state: Mapped[str] = mapped_column(String(10), default=MailState.NEW.value)
    acknowledgement: Mapped[str] = mapped_column(String(14), default=Acknowledgement.DISABLED.value)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"), index=True)
    inquiry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inquiry.id"))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_contact.id"))
    """The contact-log entry it became (routed or attached)."""
    triaged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    triaged_at: Mapped[datetime | None]
    dismiss_kind: Mapped[str | None] = mapped_column(String(8))
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid"),
        Index("ix_mail_message_state_received_at", "state", "received_at"),
    )


class MailAttachment(Base):
    """An attachment's name, type and size, and its bytes as received: stored, never opened or executed."""

    __tablename__ = "mail_attachment"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    mail_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mail_message.id"), index=True)
    position: Mapped[int]
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """None when over the size or count limit (the raw message still holds it)."""
    problem: Mapped[str | None] = mapped_column(String(200))


class MailCorrespondent(Base):
    """Each address that wrote to us: when it was acknowledged, so one sender gets one automatic reply."""

    __tablename__ = "mail_correspondent"

    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    messages: Mapped[int] = mapped_column(default=0)
    last_ack_at: Mapped[datetime | None] = mapped_column(index=True)
    acks: Mapped[int] = mapped_column(default=0)


def details_of(message: MailMessage) -> dict[str, Any]:
    """Audit details of a message: what identifies it, never what it says."""
    return {"mailbox": message.mailbox, "uid": message.uid, "state": message.state}
