"""Moving inquiries between cases, and merging two cases that turned out to concern the same person.

Supervisors only (`case:merge`). Nothing is deleted and no history is rewritten:

* merge: the duplicate's inquiries move to the surviving case (their portal access codes go with them); its
  timeline, contacts and notes stay where they were written and are shown as part of the surviving case's history;
  the duplicate is marked `merged_into` and leaves every queue. Gaps in the survivor's working summary are filled
  from the duplicate's. Refused while the duplicate awaits a second signature or when the two confirmed outcomes
  disagree, because a supervisor must settle those first;
* attach: one inquiry moves from its case to this one (its old case must keep at least one inquiry; otherwise merge);
* detach: one inquiry leaves this case and opens a new case of its own, with a new portal access code.

Both cases are locked in a fixed order (by id), so two supervisors merging crosswise cannot deadlock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.concurrency import require_version
from app.cases.family_access import issue_family_code
from app.cases.models import SOUGHT_FIELDS, Case, Inquiry
from app.cases.nameindex import drop_case_summary, index_case_summary, move_inquiry_keys
from app.cases.policies import get_case_for
from app.cases.references import parse_reference
from app.cases.service import CaseRecord, case_name_key, ensure_active, load_record, open_case
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable


@dataclass(frozen=True, slots=True)
class Detached:
    inquiry: Inquiry
    old_case: Case
    new_case: Case
    access_code: str


def _lock(session: Session, case_ids: list[uuid.UUID]) -> None:
    session.execute(select(Case.id).where(Case.id.in_(case_ids)).order_by(Case.id).with_for_update()).all()


def _inquiry_count(session: Session, case_id: uuid.UUID) -> int:
    return int(
        session.execute(select(func.count()).select_from(Inquiry).where(Inquiry.case_id == case_id)).scalar_one()
    )


def merge_cases(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    if_match: str | None,
    duplicate_reference: str,
    reason: str,
) -> CaseRecord:
    """Merge the case `duplicate_reference` into the case `reference` (the survivor, whose ETag is checked)."""
    survivor = get_case_for(session, principal, reference)
    duplicate = get_case_for(session, principal, parse_reference(duplicate_reference, pointer="#/duplicate_reference"))
    if survivor.id == duplicate.id:
        raise Unprocessable.field("#/duplicate_reference", "a case cannot be merged into itself")
    _lock(session, [survivor.id, duplicate.id])
    for locked in (survivor, duplicate):
        session.refresh(locked)
    require_version(survivor, if_match)
    ensure_active(survivor)
    if duplicate.merged_into_id is not None:
        raise Conflict("That case was already merged into another case.")
    if duplicate.has_pending_proposal or survivor.has_pending_proposal:
        raise Conflict("A proposed outcome awaits a second signature on one of the cases; decide it first.")
    if duplicate.outcome and survivor.outcome and duplicate.outcome != survivor.outcome:
        raise Conflict(
            f"The cases have different confirmed outcomes ({survivor.outcome} and {duplicate.outcome}); "
            "settle the outcome before merging."
        )
    moved = list(session.execute(select(Inquiry).where(Inquiry.case_id == duplicate.id)).scalars())
    for inquiry in moved:
        inquiry.case_id = survivor.id
    move_inquiry_keys(session, [i.id for i in moved], survivor.id)
    filled = [name for name in SOUGHT_FIELDS if getattr(survivor, name) is None and getattr(duplicate, name)]
    for name in filled:
        setattr(survivor, name, getattr(duplicate, name))
    if filled:
        survivor.sought_name_key = case_name_key(survivor)
        index_case_summary(session, survivor)
    _merge_deadlines(survivor, duplicate)
    now = utcnow()
    duplicate.merged_into_id = survivor.id
    duplicate.updated_at = survivor.updated_at = now
    drop_case_summary(session, duplicate.id)
    session.flush()
    moved_ids = [str(i.id) for i in moved]
    add_event(
        session,
        survivor,
        actor=principal.actor,
        kind="case_merged_in",
        reason=reason,
        details={"merged_case": duplicate.reference, "inquiries": moved_ids, "filled_fields": filled},
    )
    add_event(
        session,
        duplicate,
        actor=principal.actor,
        kind="merged_into",
        reason=reason,
        details={"surviving_case": survivor.reference, "inquiries": moved_ids},
    )
    record(
        session,
        actor=principal.actor,
        action="case.merged",
        target_type="case",
        target_id=survivor.id,
        details={"merged_case_id": duplicate.id, "inquiries": moved_ids, "reason": reason},
    )
    return load_record(session, principal, survivor)


def _merge_deadlines(survivor: Case, duplicate: Case) -> None:
    if survivor.first_responded_at is None and duplicate.first_responded_at is not None:
        survivor.first_responded_at = duplicate.first_responded_at
    dues = [d for d in (survivor.first_response_due_at, duplicate.first_response_due_at) if d is not None]
    if dues:
        survivor.first_response_due_at = min(dues)
    if survivor.priority == "normal" and duplicate.priority != "normal":
        survivor.priority = duplicate.priority


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
    _lock(session, [target.id, source.id])
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
    code = issue_family_code(session, case=new_case, inquiry=inquiry, actor=principal.actor)
    return Detached(inquiry=inquiry, old_case=source, new_case=new_case, access_code=code)
