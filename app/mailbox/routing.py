"""Routing: a requester writing about their own case goes straight into that case's contact log.

A message is routed when its subject or text carries a case reference whose check character verifies, and it comes
from the address of one of that case's requesters. The case is flagged for review (the console shows it unread).
A reference from any other address proves nothing (references are written on paper, forwarded, guessed): such mail
waits in the inbox for an operator, like everything else.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record, system_actor
from app.cases.models import Case, CaseContact
from app.cases.references import InvalidReference, parse_reference
from app.cases.workflow import add_event
from app.inquiries.models import Inquiry
from app.mailbox.models import MailMessage, MailState

# Loose on purpose (any separators, any case, O for 0 and I/L for 1, which `parse_reference` folds); the check
# character then rejects whatever merely looks like a reference.
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])PW[\s\-_.]{0,2}(?:[0-9A-Za-z][\s\-_.]?){8}[0-9A-Za-z](?![0-9A-Za-z])", re.I)
MAX_SUMMARY_CHARS = 20_000
REVIEW_REASON = "a new email from a requester"


def references_in(*texts: str | None) -> list[str]:
    """Valid case references (canonical form) in order of appearance, without repeats."""
    found: list[str] = []
    for text in texts:
        for match in _CANDIDATE.finditer(text or ""):
            try:
                reference = parse_reference(match.group(0))
            except InvalidReference:
                continue
            if reference not in found:
                found.append(reference)
    return found


def _current(session: Session, case: Case | None) -> Case | None:
    hops = 0
    while case is not None and case.merged_into_id is not None and hops < 16:
        case, hops = session.get(Case, case.merged_into_id), hops + 1
    return case


def contact_summary(message: MailMessage) -> str:
    text = (message.body_text or "")[:MAX_SUMMARY_CHARS]
    return f"{message.subject or ''}\n\n{text}".strip() or "(empty email)"


def file_in_case(session: Session, message: MailMessage, case: Case, inquiry_id: object | None) -> CaseContact:
    """Add `message` to the case's contact log as an inbound email and flag the case for review."""
    contact = CaseContact(
        case_id=case.id,
        inquiry_id=inquiry_id,
        direction="inbound",
        channel="email",
        occurred_at=message.received_at,
        summary=contact_summary(message),
        staff_id=None,
        visible_to_family=False,
        created_at=message.received_at,
    )
    session.add(contact)
    case.needs_review, case.review_reason = True, REVIEW_REASON
    session.flush()
    message.case_id, message.contact_id = case.id, contact.id
    return contact


def route(session: Session, message: MailMessage) -> Case | None:
    """File `message` in the case it names when a requester of that case sent it; None leaves it in the inbox."""
    if message.sender_address is None or message.automatic:
        return None
    for reference in references_in(message.subject, message.body_text):
        case = _current(session, session.execute(select(Case).where(Case.reference == reference)).scalar_one_or_none())
        if case is None:
            continue
        inquiry_id = session.execute(
            select(Inquiry.id)
            .where(Inquiry.case_id == case.id, Inquiry.requester_email == message.sender_address)
            .order_by(Inquiry.received_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if inquiry_id is None:
            continue
        contact = file_in_case(session, message, case, inquiry_id)
        message.state, message.inquiry_id = MailState.ROUTED.value, inquiry_id
        actor = system_actor()
        add_event(
            session,
            case,
            actor=actor,
            kind="email_received",
            details={"mail_id": str(message.id), "contact_id": str(contact.id)},
        )
        record(
            session,
            actor=actor,
            action="case.email_received",
            target_type="case",
            target_id=case.id,
            details={"mail_id": message.id, "contact_id": contact.id, "inquiry_id": inquiry_id},
        )
        return case
    return None
