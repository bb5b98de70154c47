"""Hotline intake: log an inquiry, open a case for it or attach it to an existing one, find probable duplicates.

The hotline's request becomes an `InquiryDraft` for the one inquiry builder (`app.inquiries.builder`), which stores
it exactly as the requester gave it (the phone number in E.164, the email lower-cased) and gives every requester
their own portal access code, returned once in the creation response. The response also lists other open cases that
probably concern the same person, so an inquiry logged as a new case by mistake is noticed at once (a supervisor can
then attach it to the right case or merge the two).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.duplicates import DuplicateCandidate, find_duplicates
from app.cases.models import Case, Channel
from app.cases.policies import case_scope, get_case_for_intake
from app.cases.similarity import Particulars
from app.errors import NotFound, Unprocessable
from app.inquiries.builder import InquiryCreated, InquiryDraft, build_inquiry
from app.inquiries.models import Inquiry
from app.inquiries.schemas import InquiryCreate, SoughtPersonIn
from app.staff.models import StaffUser

MESSAGE_CHANNELS = frozenset({Channel.EMAIL, Channel.WEB})


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


def draft_of(data: InquiryCreate, principal: StaffPrincipal) -> InquiryDraft:
    """The hotline's request as the builder's channel-neutral draft."""
    r, s, m = data.requester, data.sought, data.message
    return InquiryDraft(
        channel=data.channel,
        received_at=data.received_at,
        recorded_by_id=principal.user_id,
        requester_name=r.full_name,
        requester_relationship=r.relationship.value,
        requester_phone=r.phone,
        requester_email=str(r.email) if r.email else None,
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
    )


def create_inquiry(session: Session, *, principal: StaffPrincipal, data: InquiryCreate) -> InquiryCreated:
    """Log the inquiry on the case `data.case_reference`, or on a new case; audited, with the requester's code."""
    if data.channel in MESSAGE_CHANNELS and data.message is None:
        raise Unprocessable.field("#/message", "the original message is required for email and web inquiries")
    case = get_case_for_intake(session, data.case_reference) if data.case_reference else None
    return build_inquiry(session, draft_of(data, principal), actor=principal.actor, case=case)


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
