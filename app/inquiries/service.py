"""Hotline intake: log an inquiry, open a case for it or attach it to an existing one, find probable duplicates.

An inquiry is stored exactly as the requester gave it (the phone number in E.164, the email lower-cased). Every
requester gets their own portal access code, returned once in the creation response. The response also lists other
open cases that probably concern the same person, so an inquiry logged as a new case by mistake is noticed at once
(a supervisor can then attach it to the right case or merge the two).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.deadlines import settings_of
from app.cases.duplicates import DuplicateCandidate, find_duplicates
from app.cases.models import Case, CaseState, Channel
from app.cases.nameindex import index_inquiry, particulars_of
from app.cases.policies import case_scope, get_case_for_intake
from app.cases.service import case_name_key, open_case
from app.cases.similarity import Particulars
from app.cases.text import search_key
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import NotFound, Unprocessable
from app.inquiries.handoff import hand_off_access_code
from app.inquiries.models import Inquiry
from app.inquiries.schemas import InquiryCreate, SoughtPersonIn
from app.staff.models import StaffUser

MESSAGE_CHANNELS = frozenset({Channel.EMAIL, Channel.WEB})


@dataclass(frozen=True, slots=True)
class InquiryCreated:
    inquiry: Inquiry
    case: Case
    case_opened: bool
    access_code: str
    duplicates: list[DuplicateCandidate]
    code_emailed: bool = False
    """The access code was also queued for email (the requester gave an address and consented)."""


def normalize_phone(raw: str | None, region: str) -> str | None:
    """E.164 (`+79161234567`) for any common way of writing a valid number; 422 on `#/requester/phone` otherwise."""
    if raw is None:
        return None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise Unprocessable.field("#/requester/phone", "not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise Unprocessable.field("#/requester/phone", "not a valid phone number (add +country code if abroad)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _particulars(sought: SoughtPersonIn) -> Particulars:
    return Particulars(
        surname=sought.surname,
        given_name=sought.given_name,
        patronymic=sought.patronymic,
        date_of_birth=sought.date_of_birth,
        place_of_birth=sought.place_of_birth,
        service_number=sought.service_number,
        military_unit=sought.military_unit,
    )


def _build(data: InquiryCreate, principal: StaffPrincipal, phone: str | None) -> Inquiry:
    now = utcnow()
    r, s, m = data.requester, data.sought, data.message
    inquiry = Inquiry(
        id=uuid.uuid4(),
        channel=data.channel.value,
        received_at=data.received_at or now,
        recorded_by_id=principal.user_id,
        requester_name=r.full_name,
        requester_name_key=search_key(r.full_name),
        requester_relationship=r.relationship.value,
        requester_phone=phone,
        requester_email=str(r.email).lower() if r.email else None,
        requester_language=r.language.value,
        requester_city=r.city,
        requester_country=r.country,
        consent_store=data.consent.store,
        consent_contact_email=data.consent.contact_email,
        consent_contact_phone=data.consent.contact_phone,
        sought_surname=s.surname,
        sought_given_name=s.given_name,
        sought_patronymic=s.patronymic,
        sought_date_of_birth=s.date_of_birth,
        sought_place_of_birth=s.place_of_birth,
        sought_military_unit=s.military_unit,
        sought_rank=s.rank,
        sought_service_number=s.service_number,
        sought_last_contact_date=s.last_contact_date,
        sought_last_contact_place=s.last_contact_place,
        sought_distinguishing_marks=s.distinguishing_marks,
        sought_notes=s.notes,
        message_subject=m.subject if m else None,
        message_sender=m.sender if m else None,
        message_body=m.body if m else None,
        operator_notes=data.operator_notes,
        created_at=now,
    )
    inquiry.sought_name_key = case_name_key(inquiry)
    return inquiry


def create_inquiry(session: Session, *, principal: StaffPrincipal, data: InquiryCreate) -> InquiryCreated:
    """Log the inquiry on the case `data.case_reference`, or on a new case; audited, with the requester's code."""
    if data.channel in MESSAGE_CHANNELS and data.message is None:
        raise Unprocessable.field("#/message", "the original message is required for email and web inquiries")
    region = data.requester.country or settings_of(session).phone_default_region
    inquiry = _build(data, principal, normalize_phone(data.requester.phone, region))
    if data.case_reference:
        case, opened = get_case_for_intake(session, data.case_reference), False
        if case.state == CaseState.CLOSED.value:
            case.needs_review, case.review_reason = True, "a new inquiry arrived on this closed case"
    else:
        case = open_case(session, actor=principal.actor, seed=inquiry, received_at=inquiry.received_at)
        opened = True
    inquiry.case_id = case.id
    session.add(inquiry)
    session.flush()
    index_inquiry(session, inquiry)
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="inquiry_received" if opened else "inquiry_attached",
        details={
            "inquiry_id": str(inquiry.id),
            "channel": inquiry.channel,
            "relationship": inquiry.requester_relationship,
        },
    )
    record(
        session,
        actor=principal.actor,
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
    issued = hand_off_access_code(session, case=case, inquiry=inquiry, actor=principal.actor)
    return InquiryCreated(inquiry, case, opened, issued.access_code, duplicates, issued.email_queued)


def check_duplicates(
    session: Session, *, principal: StaffPrincipal, sought: SoughtPersonIn
) -> list[DuplicateCandidate]:
    """Open cases that probably concern the person described, before the inquiry is saved. Audited."""
    found = find_duplicates(session, _particulars(sought))
    record(
        session,
        actor=principal.actor,
        action="inquiry.duplicates_checked",
        details={"results": len(found), "references": [c.case.reference for c in found]},
    )
    return found


def get_inquiry(
    session: Session, *, principal: StaffPrincipal, inquiry_id: uuid.UUID
) -> tuple[Inquiry, str, str | None]:
    """The inquiry, its case reference and the recording operator's name, if its case is in scope (404 otherwise).
    The read is audited: an inquiry is personal data."""
    row = session.execute(
        select(Inquiry, Case.reference, StaffUser.full_name)
        .join(Case, Case.id == Inquiry.case_id)
        .outerjoin(StaffUser, StaffUser.id == Inquiry.recorded_by_id)
        .where(Inquiry.id == inquiry_id, case_scope(principal))
    ).first()
    if row is None:
        raise NotFound("There is no such inquiry, or it is not yours to see.")
    inquiry, reference, recorder = row
    record(session, actor=principal.actor, action="inquiry.viewed", target_type="inquiry", target_id=inquiry.id)
    return inquiry, reference, recorder
