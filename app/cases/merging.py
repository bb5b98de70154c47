"""Merging two cases that turned out to concern the same person (moving single inquiries: `app.inquiries.attachment`).

Supervisors only (`case:merge`). Nothing is deleted and no history is rewritten: the duplicate's inquiries move to
the surviving case (their portal access codes go with them); its timeline, contacts and notes stay where they were
written and are shown as part of the surviving case's history; the duplicate is marked `merged_into` and leaves every
queue. Gaps in the survivor's working summary are filled from the duplicate's. Refused while the duplicate awaits a
second signature or when the two confirmed outcomes disagree, because a supervisor must settle those first.

Both cases are locked in a fixed order (by id), so two supervisors merging crosswise cannot deadlock.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.concurrency import require_version
from app.cases.models import SOUGHT_FIELDS, Case
from app.cases.nameindex import drop_case_summary, index_case_summary, move_inquiry_keys
from app.cases.policies import get_case_for
from app.cases.references import parse_reference
from app.cases.service import CaseRecord, case_name_key, ensure_active, load_record
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.inquiries.models import Inquiry


def lock_cases(session: Session, case_ids: list[uuid.UUID]) -> None:
    """Lock the cases `FOR UPDATE` in id order, the one order every multi-case change uses."""
    session.execute(select(Case.id).where(Case.id.in_(case_ids)).order_by(Case.id).with_for_update()).all()


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
    lock_cases(session, [survivor.id, duplicate.id])
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
