"""A family's message to the case: it lands in the case's contact log (inbound, channel `portal`) for staff."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.cases.models import Case, CaseContact
from app.cases.workflow import add_event
from app.config import PortalConfig
from app.db import new_id, utcnow
from app.errors import NotFound, TooManyRequests, Unprocessable
from app.portal.sessions import FamilyContext

MAX_LENGTH = 4000
REVIEW_REASON = "New message from the family on the portal"


def send_message(
    session: Session, portal: PortalConfig, family: FamilyContext, *, reference: str | None, text: str
) -> CaseContact:
    """Record the message on the family's own case (any other reference is 404) and flag the case for review."""
    case = session.get(Case, family.principal.case_id)
    if case is None or (reference is not None and reference != case.reference):
        raise NotFound("No such case.")
    body = text.strip()
    if not body:
        raise Unprocessable.field("#/text", "The message is empty.")
    if len(body) > MAX_LENGTH:
        raise Unprocessable.field("#/text", f"The message is longer than {MAX_LENGTH} characters.")
    now = utcnow()
    recent = session.execute(
        select(func.count()).where(
            CaseContact.inquiry_id == family.inquiry_id,
            CaseContact.channel == "portal",
            CaseContact.direction == "inbound",
            CaseContact.occurred_at > now - timedelta(hours=1),
        )
    ).scalar_one()
    if recent >= portal.messages_per_session_per_hour:
        raise TooManyRequests(3600, "You have sent many messages in the last hour. Please wait or call us.")
    contact = CaseContact(
        id=new_id(),
        case_id=case.id,
        inquiry_id=family.inquiry_id,
        direction="inbound",
        channel="portal",
        occurred_at=now,
        summary=body,
        visible_to_family=True,
        created_at=now,
    )
    session.add(contact)
    if not case.needs_review:
        case.needs_review, case.review_reason = True, REVIEW_REASON
    actor = family.principal.actor
    add_event(session, case, actor=actor, kind="family_message", details={"contact_id": str(contact.id)})
    session.flush()
    record(
        session,
        actor=actor,
        action="portal.message_sent",
        target_type="case",
        target_id=case.id,
        details={"contact_id": contact.id, "inquiry_id": family.inquiry_id, "length": len(body)},
    )
    return contact
