"""Email inbox routes: list, read (with a prefilled inquiry), raw source, attachments; one route per triage action."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases.schemas import staff_ref
from app.deps import SessionDep
from app.idempotency.http import IdempotencyDep, Reply
from app.inquiries.schemas import DuplicateOut, InquiryOut
from app.mailbox import inbox, triage
from app.mailbox.inbox import MailView
from app.mailbox.models import MailState
from app.mailbox.schemas import (
    AttachIn,
    AttachmentOut,
    DismissIn,
    EmailInquiryCreatedOut,
    EmailInquiryIn,
    MailOut,
    MailSummaryOut,
    PrefillOut,
)
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/inbox", tags=["inbox"])

Reader = Annotated[StaffPrincipal, require(P.MAIL_READ)]
Triager = Annotated[StaffPrincipal, require(P.MAIL_TRIAGE)]
MailId = Annotated[uuid.UUID, Path(description="The email's id")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such email in your scope"}}
TRIAGE: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The email was already dealt with (`already-triaged`)"},
    422: {"description": "Invalid input"},
}


def _summary(v: MailView) -> MailSummaryOut:
    return MailSummaryOut.of(v.message, attachments=len(v.attachments), case_reference=v.case_reference)


def mail_out(v: MailView) -> MailOut:
    m = v.message
    return MailOut(
        **_summary(v).model_dump(),
        reply_to=m.reply_to,
        message_id=m.message_id,
        body_text=m.body_text,
        body_source=m.body_source,
        problems=list(m.problems),
        attachments=[AttachmentOut.of(a) for a in v.attachments],
        acknowledgement=m.acknowledgement,
        inquiry_id=m.inquiry_id,
        triaged_by=staff_ref(m.triaged_by_id, v.triaged_by_name),
        triaged_at=m.triaged_at,
        dismiss_kind=m.dismiss_kind,
        dismiss_reason=m.dismiss_reason,
        prefill=PrefillOut.of(v.prefill) if v.prefill else None,
    )


@router.get("", response_model=Page[MailSummaryOut])
def list_inbox(
    principal: Reader,
    session: SessionDep,
    page: PageDep,
    state: Annotated[
        MailState | Literal["all"], Query(description="`new` (the inbox, default), another state, or `all`")
    ] = MailState.NEW,
) -> Page[MailSummaryOut]:
    """Emails, oldest first (the one waiting longest at the top), with sender, subject, received time and state."""
    rows, total = inbox.list_inbox(
        session,
        principal=principal,
        state=None if state == "all" else str(state),
        limit=page.limit,
        offset=page.offset,
    )
    return Page(
        items=[MailSummaryOut.of(r.message, attachments=r.attachments, case_reference=r.case_reference) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{mail_id}", response_model=MailOut, responses=NOT_FOUND)
def get_mail(mail_id: MailId, principal: Reader, session: SessionDep) -> MailOut:
    """One email: its text, what could not be read, its attachments, and (while it waits in the inbox) an inquiry
    prefilled from it: names, date of birth, service number and unit from the text, the sender as requester, the
    language of the text. Audited."""
    return mail_out(inbox.read_message(session, principal=principal, mail_id=mail_id))


@router.get(
    "/{mail_id}/raw",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"message/rfc822": {}}, "description": "The message as received"}},
)
def get_raw(mail_id: MailId, principal: Reader, session: SessionDep) -> Response:
    """The original RFC 5322 message, byte for byte (evidence). Audited."""
    raw = inbox.raw_source(session, principal=principal, mail_id=mail_id)
    return Response(
        raw,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="{mail_id}.eml"', "X-Content-Type-Options": "nosniff"},
    )


@router.get(
    "/{mail_id}/attachments/{position}",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes"}},
)
def get_attachment(
    mail_id: MailId, position: Annotated[int, Path(ge=1, le=10_000)], principal: Reader, session: SessionDep
) -> Response:
    """An attachment's bytes, always as a download (`application/octet-stream`): never shown or run in the browser.
    Audited."""
    _, content = inbox.attachment_content(session, principal=principal, mail_id=mail_id, position=position)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{mail_id}-{position}.bin"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(
    "/{mail_id}/inquiry", response_model=EmailInquiryCreatedOut, status_code=status.HTTP_201_CREATED, responses=TRIAGE
)
def create_inquiry(
    mail_id: MailId, body: EmailInquiryIn, principal: Triager, session: SessionDep, idem: IdempotencyDep
) -> Response:
    """Turn the email into an inquiry (a new case, or `case_reference`'s) with the particulars as the operator
    confirmed them; channel, received time and the original text come from the email. Send an `Idempotency-Key`."""

    def produce() -> Reply:
        created, message = triage.create_inquiry(session, principal=principal, mail_id=mail_id, data=body)
        view = inbox.view(session, message)
        out = EmailInquiryCreatedOut(
            inquiry=InquiryOut.of(created.inquiry, created.case.reference),
            case_reference=created.case.reference,
            case_opened=created.case_opened,
            access_code=created.access_code,
            duplicates=[DuplicateOut.of(d) for d in created.duplicates],
            mail=_summary(view),
        )
        return Reply(out, {"Location": f"/api/v1/inquiries/{created.inquiry.id}"})

    return idem.respond(session, principal, produce, status_code=status.HTTP_201_CREATED)


@router.post("/{mail_id}/attach", response_model=MailOut, responses=TRIAGE)
def attach_to_case(
    mail_id: MailId, body: AttachIn, principal: Triager, session: SessionDep, idem: IdempotencyDep
) -> Response:
    """File the email in a case's contact log as an inbound email from the family (a relative writing again); the
    case is flagged for review. Send an `Idempotency-Key`."""

    def produce() -> MailOut:
        message = triage.attach(
            session,
            principal=principal,
            mail_id=mail_id,
            case_reference=body.case_reference,
            inquiry_id=body.inquiry_id,
        )
        return mail_out(inbox.view(session, message))

    return idem.respond(session, principal, produce)


@router.post("/{mail_id}/dismiss", response_model=MailOut, responses=TRIAGE)
def dismiss(mail_id: MailId, body: DismissIn, principal: Triager, session: SessionDep) -> MailOut:
    """Set the email aside as not an inquiry (`spam`, `press`, `other`) with a reason."""
    message = triage.dismiss(session, principal=principal, mail_id=mail_id, kind=body.kind, reason=body.reason)
    return mail_out(inbox.view(session, message))
