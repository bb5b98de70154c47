"""Email inbox API schemas: listing rows, one message with what was read from it and a prefilled inquiry, the three
triage actions. Inputs are strict (unknown fields refused); the inquiry input is the hotline's own."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.cases.fields import LongText
from app.cases.schemas import StaffRef
from app.inquiries.schemas import ConsentIn, InquiryCreatedOut, RequesterIn, SoughtIdentityIn
from app.mailbox.models import DismissKind, MailAttachment, MailMessage
from app.mailbox.prefill import Prefill

Strict = ConfigDict(extra="forbid")


class MailSummaryOut(BaseModel):
    id: uuid.UUID
    sender_name: str | None
    sender_address: str | None
    subject: str | None
    received_at: datetime
    sent_at: datetime | None = Field(description="The `Date` header: the sender's clock")
    state: str = Field(description="`new` (in the inbox), `routed`, `inquiry`, `attached` or `dismissed`")
    language: str | None
    attachment_count: int
    has_problems: bool = Field(description="Something could not be read: see `problems` on the message")
    automatic: str | None = Field(description="Why this is automatic mail (auto-reply, bounce, list), if it is")
    case_reference: str | None

    @classmethod
    def of(cls, m: MailMessage, *, attachments: int, case_reference: str | None) -> MailSummaryOut:
        return cls(
            id=m.id,
            sender_name=m.sender_name,
            sender_address=m.sender_address,
            subject=m.subject,
            received_at=m.received_at,
            sent_at=m.sent_at,
            state=m.state,
            language=m.language,
            attachment_count=attachments,
            has_problems=bool(m.problems),
            automatic=m.automatic,
            case_reference=case_reference,
        )


class AttachmentOut(BaseModel):
    position: int
    filename: str | None
    content_type: str = Field(description="As the sender declared it; the file is never opened")
    size: int
    stored: bool = Field(description="False when over a limit: the raw message still holds it")
    problem: str | None

    @classmethod
    def of(cls, a: MailAttachment) -> AttachmentOut:
        return cls(
            position=a.position,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            stored=a.problem is None,
            problem=a.problem,
        )


class PrefillRequesterOut(BaseModel):
    full_name: str | None
    email: str | None
    language: str


class PrefillSoughtOut(BaseModel):
    surname: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None
    service_number: str | None
    military_unit: str | None


class PrefillOut(BaseModel):
    """A starting point for the inquiry form, read from the email; the operator confirms and corrects it."""

    requester: PrefillRequesterOut
    sought: PrefillSoughtOut
    names_found: list[str]

    @classmethod
    def of(cls, p: Prefill) -> PrefillOut:
        r, s = p.requester, p.sought
        return cls(
            requester=PrefillRequesterOut(full_name=r.full_name, email=r.email, language=r.language),
            sought=PrefillSoughtOut(
                surname=s.surname,
                given_name=s.given_name,
                patronymic=s.patronymic,
                date_of_birth=s.date_of_birth,
                service_number=s.service_number,
                military_unit=s.military_unit,
            ),
            names_found=p.names_found,
        )


class MailOut(MailSummaryOut):
    reply_to: str | None
    message_id: str | None
    body_text: str | None
    body_source: str = Field(description="`plain`, `html` (turned into text) or `none`")
    problems: list[str]
    attachments: list[AttachmentOut]
    acknowledgement: str = Field(
        description="`queued`, `automatic`, `known_sender`, `rate_limited`, `no_address` or `disabled`"
    )
    inquiry_id: uuid.UUID | None
    triaged_by: StaffRef | None
    triaged_at: datetime | None
    dismiss_kind: str | None
    dismiss_reason: str | None
    prefill: PrefillOut | None = Field(description="Only while the message waits in the inbox")


class EmailInquiryIn(BaseModel):
    """The inquiry as the operator confirmed it. Channel, received time and the original message come from the
    email itself."""

    model_config = Strict

    requester: RequesterIn
    consent: ConsentIn
    sought: SoughtIdentityIn
    operator_notes: LongText = None
    case_reference: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=40)] = Field(
        default=None, description="Attach the inquiry to this existing case instead of opening a new one"
    )


class EmailInquiryCreatedOut(InquiryCreatedOut):
    mail: MailSummaryOut


class AttachIn(BaseModel):
    model_config = Strict

    case_reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    inquiry_id: uuid.UUID | None = Field(default=None, description="Which requester of the case wrote, when known")


class DismissIn(BaseModel):
    model_config = Strict

    kind: DismissKind
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
