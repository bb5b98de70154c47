"""Moving one inquiry between cases: attach it to another case, or detach it onto a new case of its own.

Supervisors only (`case:merge`). Nothing is deleted and no history is rewritten:

* attach: one inquiry moves from its case to this one (its old case must keep at least one inquiry; otherwise merge
  the cases, `app.cases.merging`);
* detach: one inquiry leaves this case and opens a new case of its own; its requester gets a new portal access code
  through the hand-off (`app.inquiries.handoff`), returned once.

Both cases are locked in a fixed order (by id), so two supervisors moving inquiries crosswise cannot deadlock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.concurrency import require_version
from app.cases.merging import lock_cases
from app.cases.models import Case
from app.cases.nameindex import move_inquiry_keys
from app.cases.policies import get_case_for
from app.cases.service import CaseRecord, ensure_active, load_record, open_case
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.inquiries.handoff import hand_off_access_code
from app.inquiries.models import Inquiry


@dataclass(frozen=True, slots=True)
class Detached:
    inquiry: Inquiry
    old_case: Case
    new_case: Case
    access_code: str


def _inquiry_count(session: Session, case_id: uuid.UUID) -> int:
    return int(
        session.execute(select(func.count()).select_from(Inquiry).where(Inquiry.case_id == case_id)).scalar_one()
    )


def attach_inquiry(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    if_match: str | None,
    inquiry_id: uuid.UUID,
    reason: str,
) -> CaseRecord:
    """Move an inquiry from its current case to the case `reference`."""
    target = get_case_for(session, principal, reference)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None:
        raise Unprocessable.field("#/inquiry_id", "no such inquiry")
    source = session.get(Case, inquiry.case_id)
    if source is None:
        raise NotFound("No such inquiry.")
    lock_cases(session, [target.id, source.id])
    session.refresh(target)
    session.refresh(source)
    session.refresh(inquiry)
    require_version(target, if_match)
    ensure_active(target)
    if inquiry.case_id == target.id:
        raise Conflict("The inquiry is already on this case.")
    if _inquiry_count(session, source.id) <= 1:
        raise Conflict(
            f"The inquiry is the only one on case {source.reference}; merge that case instead of emptying it.",
            source_case=source.reference,
        )
    inquiry.case_id = target.id
    move_inquiry_keys(session, [inquiry.id], target.id)
    now = utcnow()
    target.updated_at = source.updated_at = now
    session.flush()
    for case, kind, other in ((target, "inquiry_attached", source), (source, "inquiry_moved_out", target)):
        add_event(
            session,
            case,
            actor=principal.actor,
            kind=kind,
            reason=reason,
            details={"inquiry_id": str(inquiry.id), "other_case": other.reference},
        )
    record(
        session,
        actor=principal.actor,
        action="inquiry.attached",
        target_type="inquiry",
        target_id=inquiry.id,
        changes={"case_id": {"old": str(source.id), "new": str(target.id)}},
        details={"reason": reason},
    )
    return load_record(session, principal, target)


def detach_inquiry(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    if_match: str | None,
    inquiry_id: uuid.UUID,
    reason: str,
) -> Detached:
    """Take an inquiry off the case `reference` and open a new case for it; its requester gets a new access code."""
    source = get_case_for(session, principal, reference, for_update=True)
    require_version(source, if_match)
    ensure_active(source)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.case_id != source.id:
        raise NotFound("This case has no such inquiry.")
    if _inquiry_count(session, source.id) <= 1:
        raise Conflict("The inquiry is the only one on this case; a case cannot be left without an inquiry.")
    new_case = open_case(session, actor=principal.actor, seed=inquiry, received_at=inquiry.received_at)
    inquiry.case_id = new_case.id
    move_inquiry_keys(session, [inquiry.id], new_case.id)
    source.updated_at = utcnow()
    session.flush()
    add_event(
        session,
        source,
        actor=principal.actor,
        kind="inquiry_detached",
        reason=reason,
        details={"inquiry_id": str(inquiry.id), "other_case": new_case.reference},
    )
    add_event(
        session,
        new_case,
        actor=principal.actor,
        kind="inquiry_attached",
        reason=reason,
        details={"inquiry_id": str(inquiry.id), "other_case": source.reference},
    )
    record(
        session,
        actor=principal.actor,
        action="inquiry.detached",
        target_type="inquiry",
        target_id=inquiry.id,
        changes={"case_id": {"old": str(source.id), "new": str(new_case.id)}},
        details={"reason": reason},
    )
    code = hand_off_access_code(session, case=new_case, inquiry=inquiry, actor=principal.actor).access_code
    return Detached(inquiry=inquiry, old_case=source, new_case=new_case, access_code=code)
