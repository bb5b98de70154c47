"""Opening a case from the online inquiry form, through the one inquiry builder (`app.inquiries.builder`).

The web channel has no operator: the inquiry opens a new case (reference, deadlines, name index, timeline, audit)
opened by the web form, and the requester is the author of the record (`family:<new reference>`). Attaching it to an
existing case is an operator's decision: when the duplicate search finds a probable match, the new case is flagged
for review with that reason. The requester gets an access code at once (and by email if they agreed).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.audit import Actor
from app.cases.models import Case, Channel
from app.cases.text import normalize_service_number
from app.config import Settings
from app.inquiries.builder import InquiryDraft, build_inquiry
from app.inquiries.models import Inquiry
from app.portal.schemas import OnlineInquiryIn

DUPLICATE_REVIEW_REASON = "Online inquiry: probably the same person as another open case"
WEB_FORM = Actor("system:web-form", ("system",))


def draft_of(data: OnlineInquiryIn) -> InquiryDraft:
    """The checked online form as the builder's channel-neutral draft."""
    return InquiryDraft(
        channel=Channel.WEB,
        requester_name=data.requester_name,
        requester_relationship=data.requester_relationship,
        requester_phone=data.requester_phone,
        requester_email=str(data.requester_email) if data.requester_email else None,
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
    )


def register_online_inquiry(session: Session, settings: Settings, data: OnlineInquiryIn) -> tuple[Case, Inquiry, str]:
    """Open the case for the inquiry, audit it, and issue the requester's code (returned once, in clear)."""
    built = build_inquiry(
        session,
        draft_of(data),
        actor=WEB_FORM,
        as_requester=True,
        review_duplicates=DUPLICATE_REVIEW_REASON,
        settings=settings,
    )
    return built.case, built.inquiry, built.access_code
