"""The two-person rule: recording or reverting `deceased` is a proposal until a second person confirms it.

* An officer's move that would make `deceased` the outcome (or undo a confirmed `deceased`) creates a pending
  `OutcomeProposal`; the case keeps its state and its family-facing outcome, and waits in the
  `awaiting_confirmation` queue.
* A different case officer or a supervisor confirms it (the move is then applied) or rejects it; the proposer may
  withdraw it. The proposer can never confirm or reject their own proposal.
* While a proposal is pending no other move is accepted, so the proposal always applies to the state it was made in.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.concurrency import require_version
from app.cases.deadlines import after_state_change
from app.cases.models import Case, CaseEvent, CaseState, OutcomeProposal
from app.cases.policies import get_case_for
from app.cases.workflow import SecondPerson, add_event, outcome_after, transition
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound

PENDING = "pending"


class SecondPersonRequired(Forbidden):
    code, title = "second-person-required", "A second person must decide this"


def pending_proposal(session: Session, case: Case) -> OutcomeProposal | None:
    return session.execute(
        select(OutcomeProposal)
        .where(OutcomeProposal.case_id == case.id, OutcomeProposal.status == PENDING)
        .order_by(OutcomeProposal.proposed_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def list_proposals(session: Session, *, principal: StaffPrincipal, reference: str) -> list[OutcomeProposal]:
    """Every outcome proposal of the case, oldest first, with its decision. Audited: part of the full record."""
    case = get_case_for(session, principal, reference)
    record(session, actor=principal.actor, action="case.proposals_viewed", target_type="case", target_id=case.id)
    return list(
        session.execute(
            select(OutcomeProposal).where(OutcomeProposal.case_id == case.id).order_by(OutcomeProposal.proposed_at)
        ).scalars()
    )


def propose(
    session: Session,
    *,
    principal: StaffPrincipal,
    case: Case,
    to_state: CaseState,
    reason: str,
    kind: SecondPerson,
) -> OutcomeProposal:
    """Record the proposal; the case's state and outcome stay as they are."""
    now = utcnow()
    proposal = OutcomeProposal(
        case_id=case.id,
        kind=kind,
        outcome=outcome_after(case, to_state),
        from_state=case.state,
        to_state=to_state.value,
        reason=reason,
        proposed_by_id=principal.user_id,
        proposed_at=now,
        status=PENDING,
    )
    session.add(proposal)
    case.has_pending_proposal = True
    case.updated_at = now
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="outcome_proposed",
        reason=reason,
        from_state=case.state,
        to_state=to_state.value,
        details={"proposal_id": str(proposal.id), "proposal_kind": kind},
    )
    record(
        session,
        actor=principal.actor,
        action="case.outcome_proposed",
        target_type="case",
        target_id=case.id,
        details={"proposal_id": proposal.id, "proposal_kind": kind, "to_state": to_state.value, "reason": reason},
    )
    return proposal


def _locked_pending(
    session: Session, principal: StaffPrincipal, reference: str, proposal_id: uuid.UUID, if_match: str | None
) -> tuple[Case, OutcomeProposal]:
    case = get_case_for(session, principal, reference, for_update=True)
    require_version(case, if_match)
    proposal = session.get(OutcomeProposal, proposal_id)
    if proposal is None or proposal.case_id != case.id:
        raise NotFound("This case has no such proposal.")
    if proposal.status != PENDING:
        raise Conflict(f"This proposal was already {proposal.status}.", proposal_status=proposal.status)
    return case, proposal


def _close(
    session: Session, principal: StaffPrincipal, case: Case, proposal: OutcomeProposal, status: str, reason: str | None
) -> CaseEvent:
    now = utcnow()
    proposal.status, proposal.decided_by_id, proposal.decided_at = status, principal.user_id, now
    proposal.decision_reason = reason
    case.has_pending_proposal = False
    case.updated_at = now
    event = add_event(
        session,
        case,
        actor=principal.actor,
        kind=f"outcome_{status}",
        reason=reason,
        from_state=proposal.from_state,
        to_state=proposal.to_state,
        details={"proposal_id": str(proposal.id), "proposed_by": str(proposal.proposed_by_id)},
    )
    session.flush()
    record(
        session,
        actor=principal.actor,
        action=f"case.outcome_{status}",
        target_type="case",
        target_id=case.id,
        details={"proposal_id": proposal.id, "proposed_by": proposal.proposed_by_id, "reason": reason},
    )
    return event


def confirm(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    proposal_id: uuid.UUID,
    if_match: str | None,
    reason: str | None,
) -> tuple[Case, OutcomeProposal]:
    """The second signature: a different officer or a supervisor applies the proposed move."""
    case, proposal = _locked_pending(session, principal, reference, proposal_id, if_match)
    if proposal.proposed_by_id == principal.user_id:
        raise SecondPersonRequired(
            "You proposed this outcome; a different case officer or a supervisor must confirm it."
        )
    if case.state != proposal.from_state:
        raise Conflict("The case changed state since the proposal; withdraw it and propose again.")
    _close(session, principal, case, proposal, "confirmed", reason)
    transition(
        session,
        case=case,
        to_state=CaseState(proposal.to_state),
        actor=principal.actor,
        reason=proposal.reason,
        details={"proposal_id": str(proposal.id), "proposed_by": str(proposal.proposed_by_id)},
        second_person_confirmed=True,
    )
    after_state_change(session, case)
    return case, proposal


def reject(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    proposal_id: uuid.UUID,
    if_match: str | None,
    reason: str,
) -> tuple[Case, OutcomeProposal]:
    """A second person refuses the proposal; the case stays as it is."""
    case, proposal = _locked_pending(session, principal, reference, proposal_id, if_match)
    if proposal.proposed_by_id == principal.user_id:
        raise SecondPersonRequired("You proposed this outcome; withdraw it instead of rejecting it.")
    _close(session, principal, case, proposal, "rejected", reason)
    return case, proposal


def withdraw(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    proposal_id: uuid.UUID,
    if_match: str | None,
    reason: str | None,
) -> tuple[Case, OutcomeProposal]:
    """The proposer takes the proposal back."""
    case, proposal = _locked_pending(session, principal, reference, proposal_id, if_match)
    if proposal.proposed_by_id != principal.user_id:
        raise Forbidden("Only the officer who proposed this outcome can withdraw it; you may reject it.")
    _close(session, principal, case, proposal, "withdrawn", reason)
    return case, proposal
