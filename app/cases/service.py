"""Case work: opening a case, reading it (audited), editing its summary, moving it along the life cycle, assigning.

Every change locks the case row, checks the caller's `If-Match` against the case version, writes a timeline entry
and an audit event in the caller's transaction, and flushes; the request's unit of work commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.audit.service import diff
from app.auth.permissions import takes_cases
from app.auth.principals import StaffPrincipal
from app.cases import outcomes
from app.cases.concurrency import require_version
from app.cases.deadlines import after_state_change, first_response_due, next_review
from app.cases.models import SOUGHT_FIELDS, Case, CaseEvent, CaseNote, CaseState, OutcomeProposal
from app.cases.nameindex import index_case_summary
from app.cases.policies import get_case_for, sees_full_record, visible_note_kinds
from app.cases.queries import case_family_ids
from app.cases.references import generate_reference
from app.cases.text import search_key
from app.cases.workflow import RESERVED_STATES, add_event, check_transition, second_person_needed, transition
from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.inquiries.models import Inquiry
from app.staff.models import StaffUser


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case as one member of staff may see it, with what the chosen view needs."""

    case: Case
    full: bool
    inquiries: list[Inquiry]
    notes: list[tuple[CaseNote, str | None]]
    """Newest first, with the author's name; only the visibilities the reader may see."""
    pending: OutcomeProposal | None
    officer: StaffUser | None
    merged_into_reference: str | None


@dataclass(frozen=True, slots=True)
class TransitionResult:
    """`applied` when the state changed; otherwise `proposal` awaits (or records the fate of) a second signature."""

    record: CaseRecord
    applied: bool
    event: CaseEvent | None
    proposal: OutcomeProposal | None

    @property
    def case(self) -> Case:
        return self.record.case


def case_name_key(case: Case | Inquiry) -> str | None:
    return search_key(case.sought_surname, case.sought_given_name, case.sought_patronymic) or None


def snapshot(case: Case) -> dict[str, Any]:
    values = {name: getattr(case, name) for name in SOUGHT_FIELDS}
    values.update(
        state=case.state,
        outcome=case.outcome,
        priority=case.priority,
        assigned_officer_id=case.assigned_officer_id,
        next_review_at=case.next_review_at,
        needs_review=case.needs_review,
    )
    return values


def unique_reference(session: Session) -> str:
    """A fresh random reference; a collision (one in 10^12 per pair) is simply drawn again."""
    while True:
        reference = generate_reference()
        if session.execute(select(Case.id).where(Case.reference == reference)).first() is None:
            return reference


def ensure_active(case: Case) -> None:
    if case.merged_into_id is not None:
        raise Conflict("This case was merged into another case; work on that one.", merged=True)


def open_case(session: Session, *, actor: Actor, seed: Inquiry, received_at: datetime) -> Case:
    """Open a case for a first inquiry; its particulars seed the working summary. The inquiry is the caller's."""
    now = utcnow()
    case = Case(
        reference=unique_reference(session),
        state=CaseState.OPEN.value,
        priority="normal",
        first_response_due_at=first_response_due(session, received_at),
        next_review_at=next_review(session, now, CaseState.OPEN.value),
        created_at=now,
        updated_at=now,
        family_updated_at=now,
        **{name: getattr(seed, name) for name in SOUGHT_FIELDS},
    )
    case.sought_name_key = case_name_key(case)
    session.add(case)
    session.flush()
    index_case_summary(session, case)
    add_event(session, case, actor=actor, kind="opened", to_state=CaseState.OPEN.value)
    record(
        session,
        actor=actor,
        action="case.opened",
        target_type="case",
        target_id=case.id,
        details={"reference": case.reference},
    )
    return case


def load_record(session: Session, principal: StaffPrincipal, case: Case) -> CaseRecord:
    """Everything the principal's view of `case` shows (flushes first, so the version is the one committed)."""
    session.flush()
    full = sees_full_record(principal)
    inquiries = list(
        session.execute(
            select(Inquiry).where(Inquiry.case_id == case.id).order_by(Inquiry.received_at, Inquiry.id)
        ).scalars()
    )
    notes: list[tuple[CaseNote, str | None]] = []
    if full:
        family = case_family_ids(session, case)
        rows = session.execute(
            select(CaseNote, StaffUser.full_name)
            .outerjoin(StaffUser, StaffUser.id == CaseNote.author_id)
            .where(CaseNote.case_id.in_(family), CaseNote.visibility.in_(visible_note_kinds(principal)))
            .order_by(CaseNote.created_at.desc(), CaseNote.id)
            .limit(50)
        )
        notes = [(note, name) for note, name in rows]
    merged_into = None
    if case.merged_into_id is not None:
        merged_into = session.execute(select(Case.reference).where(Case.id == case.merged_into_id)).scalar_one()
    return CaseRecord(
        case=case,
        full=full,
        inquiries=inquiries,
        notes=notes,
        pending=outcomes.pending_proposal(session, case) if full else None,
        officer=session.get(StaffUser, case.assigned_officer_id) if case.assigned_officer_id else None,
        merged_into_reference=merged_into,
    )


def read_case(session: Session, *, principal: StaffPrincipal, reference: str) -> CaseRecord:
    """The case as the principal may see it. Every read is audited, naming the view that was shown."""
    case = get_case_for(session, principal, reference)
    loaded = load_record(session, principal, case)
    record(
        session,
        actor=principal.actor,
        action="case.viewed",
        target_type="case",
        target_id=case.id,
        details={"view": "full" if loaded.full else "status"},
    )
    return loaded


def update_case(
    session: Session, *, principal: StaffPrincipal, reference: str, if_match: str | None, values: Mapping[str, Any]
) -> CaseRecord:
    """Edit the working summary, priority or next review. `values` holds only the fields the caller sent."""
    case = get_case_for(session, principal, reference, for_update=True)
    require_version(case, if_match)
    ensure_active(case)
    if "next_review_at" in values and values["next_review_at"] is not None and values["next_review_at"] <= utcnow():
        raise Unprocessable.field("#/next_review_at", "must be in the future")
    before = snapshot(case)
    for name, value in values.items():
        setattr(case, name, value)
    if any(name in SOUGHT_FIELDS for name in values):
        case.sought_name_key = case_name_key(case)
    changes = diff(session, before, snapshot(case))
    if not changes:
        return load_record(session, principal, case)
    case.updated_at = utcnow()
    if any(name in SOUGHT_FIELDS for name in changes):
        index_case_summary(session, case)
    add_event(session, case, actor=principal.actor, kind="updated", details={"fields": sorted(changes)})
    session.flush()
    record(
        session, actor=principal.actor, action="case.updated", target_type="case", target_id=case.id, changes=changes
    )
    return load_record(session, principal, case)


def transition_case(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    if_match: str | None,
    to_state: CaseState,
    reason: str,
) -> TransitionResult:
    """Move a case along the life cycle, or propose the move when it takes two people (`deceased`).

    An illegal move is a 409 listing the allowed targets; the handover states are not offered here (the handover
    workflow enters them). While a proposal awaits its second signature no other move is accepted.
    """
    case = get_case_for(session, principal, reference, for_update=True)
    require_version(case, if_match)
    ensure_active(case)
    check_transition(case, to_state, exclude=RESERVED_STATES)
    if case.has_pending_proposal:
        raise Conflict(
            "A proposed outcome awaits a second signature; confirm, reject or withdraw it first.",
            current_state=case.state,
        )
    kind = second_person_needed(case, to_state)
    if kind is not None:
        proposal = outcomes.propose(
            session, principal=principal, case=case, to_state=to_state, reason=reason, kind=kind
        )
        return TransitionResult(load_record(session, principal, case), applied=False, event=None, proposal=proposal)
    event = transition(session, case=case, to_state=to_state, actor=principal.actor, reason=reason)
    after_state_change(session, case)
    return TransitionResult(load_record(session, principal, case), applied=True, event=event, proposal=None)


class Decision(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    WITHDRAW = "withdraw"


def decide_proposal(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    proposal_id: uuid.UUID,
    decision: Decision,
    if_match: str | None,
    reason: str | None,
) -> TransitionResult:
    """Confirm (second signature; the move is applied), reject, or withdraw a pending outcome proposal."""
    kwargs: dict[str, Any] = {
        "principal": principal,
        "reference": reference,
        "proposal_id": proposal_id,
        "if_match": if_match,
    }
    if decision is Decision.CONFIRM:
        case, proposal = outcomes.confirm(session, reason=reason, **kwargs)
    elif decision is Decision.REJECT:
        case, proposal = outcomes.reject(session, reason=reason or "", **kwargs)
    else:
        case, proposal = outcomes.withdraw(session, reason=reason, **kwargs)
    applied = decision is Decision.CONFIRM
    return TransitionResult(load_record(session, principal, case), applied=applied, event=None, proposal=proposal)


def assign_case(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    if_match: str | None,
    officer_id: uuid.UUID | None,
    reason: str | None,
) -> CaseRecord:
    """Assign the case to a case officer or supervisor, or (officer_id None) return it to the unassigned queue."""
    case = get_case_for(session, principal, reference, for_update=True)
    require_version(case, if_match)
    ensure_active(case)
    if officer_id is not None:
        officer = session.get(StaffUser, officer_id)
        if officer is None or not officer.is_active or not takes_cases(officer.roles):
            raise Unprocessable.field("#/officer_id", "not an active case officer or supervisor")
    if case.assigned_officer_id == officer_id:
        return load_record(session, principal, case)
    previous = case.assigned_officer_id
    case.assigned_officer_id = officer_id
    case.updated_at = utcnow()
    kind = "assigned" if officer_id is not None else "unassigned"
    add_event(
        session,
        case,
        actor=principal.actor,
        kind=kind,
        reason=reason,
        details={"officer_id": str(officer_id) if officer_id else None, "previous_officer_id": _str(previous)},
    )
    session.flush()
    record(
        session,
        actor=principal.actor,
        action=f"case.{kind}",
        target_type="case",
        target_id=case.id,
        changes={"assigned_officer_id": {"old": _str(previous), "new": _str(officer_id)}},
        details={"reason": reason} if reason else None,
    )
    return load_record(session, principal, case)


def _str(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
