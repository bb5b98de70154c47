"""The one inquiry builder: every channel (hotline, the portal's online form, email) logs an inquiry through it.

A channel validates what it received in its own terms (an API schema, a public form, a parsed email) and describes
the inquiry as an `InquiryDraft`; `build_inquiry` does the rest, the same way for all of them: the phone number in
E.164, the email lower-cased, the name keys computed; the inquiry opens a new case or joins
a given one (a closed case is flagged for review); the name index, the case timeline and the audit trail get their
entries; probable duplicates are looked up; and the requester gets their own access code through the hand-off
(`app.inquiries.handoff`), emailed when they consented.

A channel decides only what is its own: who acts (`actor`), whether the requester themself is the author of the
record (`as_requester`: the web form, where no operator is involved), and whether duplicates flag the new case for
review (`review_duplicates`) or are merely reported to the operator.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import phonenumbers
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.duplicates import DuplicateCandidate, find_duplicates
from app.cases.models import Case, CaseState, Channel
from app.cases.nameindex import index_inquiry, particulars_of
from app.cases.service import case_name_key, open_case
from app.cases.text import search_key
from app.cases.workflow import add_event
from app.config import Settings
from app.db import settings_of, utcnow
from app.errors import Unprocessable
from app.inquiries.handoff import hand_off_access_code
from app.inquiries.models import Inquiry


@dataclass(frozen=True, slots=True, kw_only=True)
class InquiryDraft:
    """An inquiry as a channel received it, already validated by that channel. Empty means unknown (None)."""

    channel: Channel
    received_at: datetime | None = None
    """When the call or message came in; now when not given."""
    recorded_by_id: uuid.UUID | None = None
    """The operator who logged it; none for channels without one."""
    requester_name: str
    requester_relationship: str
    requester_phone: str | None = None
    """Any common way of writing a number; stored in E.164 (the requester's country, else the default region)."""
    requester_email: str | None = None
    requester_language: str = "ru"
    requester_city: str | None = None
    requester_country: str | None = None
    consent_store: bool
    consent_contact_email: bool = False
    consent_contact_phone: bool = False
    sought_surname: str | None = None
    sought_given_name: str | None = None
    sought_patronymic: str | None = None
    sought_date_of_birth: str | None = None
    sought_place_of_birth: str | None = None
    sought_military_unit: str | None = None
    sought_rank: str | None = None
    sought_service_number: str | None = None
    sought_last_contact_date: date | None = None
    sought_last_contact_place: str | None = None
    sought_distinguishing_marks: str | None = None
    sought_notes: str | None = None
    message_subject: str | None = None
    message_sender: str | None = None
    message_body: str | None = None
    operator_notes: str | None = None


@dataclass(frozen=True, slots=True)
class InquiryCreated:
    inquiry: Inquiry
    case: Case
    case_opened: bool
    access_code: str
    """The requester's new portal access code, in clear: shown (or sent) once, never stored."""
    duplicates: list[DuplicateCandidate]
    code_emailed: bool = False
    """The access code was also queued for email (the requester gave an address and consented)."""


def normalize_phone(raw: str | None, region: str, *, pointer: str = "#/requester/phone") -> str | None:
    """E.164 (`+79161234567`) for any common way of writing a valid number; 422 at `pointer` otherwise."""
    if raw is None or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise Unprocessable.field(pointer, "not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise Unprocessable.field(pointer, "not a valid phone number (add +country code if abroad)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _inquiry(draft: InquiryDraft, phone: str | None) -> Inquiry:
    now = utcnow()
    inquiry = Inquiry(
        id=uuid.uuid4(),
        channel=draft.channel.value,
        received_at=draft.received_at or now,
        recorded_by_id=draft.recorded_by_id,
        requester_name=draft.requester_name,
        requester_name_key=search_key(draft.requester_name),
        requester_relationship=draft.requester_relationship,
        requester_phone=phone,
        requester_email=draft.requester_email.lower() if draft.requester_email else None,
        requester_language=draft.requester_language,
        requester_city=draft.requester_city,
        requester_country=draft.requester_country,
        consent_store=draft.consent_store,
        consent_contact_email=draft.consent_contact_email,
        consent_contact_phone=draft.consent_contact_phone,
        sought_surname=draft.sought_surname,
        sought_given_name=draft.sought_given_name,
        sought_patronymic=draft.sought_patronymic,
        sought_date_of_birth=draft.sought_date_of_birth,
        sought_place_of_birth=draft.sought_place_of_birth,
        sought_military_unit=draft.sought_military_unit,
        sought_rank=draft.sought_rank,
        sought_service_number=draft.sought_service_number,
        sought_last_contact_date=draft.sought_last_contact_date,
        sought_last_contact_place=draft.sought_last_contact_place,
        sought_distinguishing_marks=draft.sought_distinguishing_marks,
        sought_notes=draft.sought_notes,
        message_subject=draft.message_subject,
        message_sender=draft.message_sender,
        message_body=draft.message_body,
        operator_notes=draft.operator_notes,
        created_at=now,
    )
    inquiry.sought_name_key = case_name_key(inquiry)
    return inquiry


def build_inquiry(
    session: Session,
    draft: InquiryDraft,
    *,
    actor: Actor,
    case: Case | None = None,
    as_requester: bool = False,
    review_duplicates: str | None = None,
    settings: Settings | None = None,
) -> InquiryCreated:
    """Log `draft` on `case`, or on a new case opened by `actor`; audited; the requester gets their access code.

    `as_requester`: the timeline, the audit trail and the code are the requester's own doing (`family:<reference>`),
    not `actor`'s. `review_duplicates`: when probable duplicates exist, flag the case for review with this reason.
    """
    settings = settings or settings_of(session)
    region = draft.requester_country or settings.phone_default_region
    inquiry = _inquiry(draft, normalize_phone(draft.requester_phone, region))
    opened = case is None
    if case is None:
        case = open_case(session, actor=actor, seed=inquiry, received_at=inquiry.received_at)
    elif case.state == CaseState.CLOSED.value:
        case.needs_review, case.review_reason = True, "a new inquiry arrived on this closed case"
    author = Actor(f"family:{case.reference}", ("family",)) if as_requester else actor
    inquiry.case_id = case.id
    session.add(inquiry)
    session.flush()
    index_inquiry(session, inquiry)
    add_event(
        session,
        case,
        actor=author,
        kind="inquiry_received" if opened else "inquiry_attached",
        details={
            "inquiry_id": str(inquiry.id),
            "channel": inquiry.channel,
            "relationship": inquiry.requester_relationship,
        },
    )
    record(
        session,
        actor=author,
        action="inquiry.created",
        target_type="inquiry",
        target_id=inquiry.id,
        details={
            "case_id": case.id,
            "case_opened": opened,
            "channel": inquiry.channel,
            "relationship": inquiry.requester_relationship,
            "requester_name": inquiry.requester_name,
            "requester_phone": inquiry.requester_phone,
            "requester_email": inquiry.requester_email,
            "consent_contact_email": inquiry.consent_contact_email,
            "consent_contact_phone": inquiry.consent_contact_phone,
        },
    )
    duplicates = find_duplicates(session, particulars_of(inquiry), exclude_case_id=case.id)
    if duplicates and review_duplicates:
        case.needs_review, case.review_reason = True, review_duplicates
    issued = hand_off_access_code(session, settings, case=case, inquiry=inquiry, actor=author)
    return InquiryCreated(inquiry, case, opened, issued.access_code, duplicates, issued.email_queued)
