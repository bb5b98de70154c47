"""Opening a case from the online inquiry form, with the case domain's own building blocks.

The web channel has no operator: the inquiry opens a new case through `app.cases.service.open_case` (reference,
deadlines, name index, timeline, audit), with the requester as the actor (`family:<new reference>`). Attaching it to
an existing case is an operator's decision: when the duplicate search finds a probable match, the new case is flagged
for review with that reason. The requester gets an access code at once (and by email if they agreed).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.duplicates import find_duplicates
from app.cases.models import Case, Channel
from app.cases.nameindex import index_inquiry, particulars_of
from app.cases.service import case_name_key, open_case
from app.cases.text import normalize_service_number, search_key
from app.cases.workflow import add_event
from app.config import Settings
from app.db import utcnow
from app.inquiries.handoff import hand_off_access_code
from app.inquiries.models import Inquiry
from app.portal.schemas import OnlineInquiryIn

DUPLICATE_REVIEW_REASON = "Online inquiry: probably the same person as another open case"


def _inquiry(data: OnlineInquiryIn) -> Inquiry:
    now = utcnow()
    inquiry = Inquiry(
        id=uuid.uuid4(),
        channel=Channel.WEB.value,
        received_at=now,
        recorded_by_id=None,
        requester_name=data.requester_name,
        requester_name_key=search_key(data.requester_name),
        requester_relationship=data.requester_relationship,
        requester_phone=data.requester_phone,
        requester_email=str(data.requester_email).lower() if data.requester_email else None,
        requester_language=data.requester_language,
        requester_city=data.requester_city,
        requester_country=data.requester_country,
        consent_store=data.consent_store,
        consent_contact_email=data.consent_contact_email,
        consent_contact_phone=data.consent_contact_phone,
        sought_surname=data.sought_surname,
        sought_given_name=data.sought_given_name,
        sought_patronymic=data.sought_patronymic,
        sought_date_of_birth=data.sought_date_of_birth,
        sought_place_of_birth=data.sought_place_of_birth,
        sought_military_unit=data.sought_military_unit,
        sought_rank=data.sought_rank,
        sought_service_number=normalize_service_number(data.sought_service_number),
        sought_last_contact_date=date.fromisoformat(data.sought_last_contact_date)
        if data.sought_last_contact_date
        else None,
        sought_last_contact_place=data.sought_last_contact_place,
        sought_distinguishing_marks=data.sought_distinguishing_marks,
        message_body=data.message,
        created_at=now,
    )
    inquiry.sought_name_key = case_name_key(inquiry)
    return inquiry


def register_online_inquiry(session: Session, settings: Settings, data: OnlineInquiryIn) -> tuple[Case, Inquiry, str]:
    """Open the case for the inquiry, audit it, and issue the requester's code (returned once, in clear)."""
    inquiry = _inquiry(data)
    web = Actor("system:web-form", ("system",))
    case = open_case(session, actor=web, seed=inquiry, received_at=inquiry.received_at)
    actor = Actor(f"family:{case.reference}", ("family",))
    inquiry.case_id = case.id
    session.add(inquiry)
    session.flush()
    index_inquiry(session, inquiry)
    add_event(
        session,
        case,
        actor=actor,
        kind="inquiry_received",
        details={
            "inquiry_id": str(inquiry.id),
            "channel": inquiry.channel,
            "relationship": inquiry.requester_relationship,
        },
    )
    record(
        session,
        actor=actor,
        action="inquiry.created",
        target_type="inquiry",
        target_id=inquiry.id,
        details={
            "case_id": case.id,
            "case_opened": True,
            "channel": inquiry.channel,
            "relationship": inquiry.requester_relationship,
            "requester_name": inquiry.requester_name,
            "requester_phone": inquiry.requester_phone,
            "requester_email": inquiry.requester_email,
            "consent_contact_email": inquiry.consent_contact_email,
            "consent_contact_phone": inquiry.consent_contact_phone,
        },
        sensitive=("requester_name",),
    )
    if find_duplicates(session, particulars_of(inquiry), exclude_case_id=case.id):
        case.needs_review, case.review_reason = True, DUPLICATE_REVIEW_REASON
    issued = hand_off_access_code(session, settings, case=case, inquiry=inquiry, actor=actor)
    return case, inquiry, issued.access_code
