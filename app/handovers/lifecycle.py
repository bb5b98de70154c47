"""The handover life cycle as a declared table, and the steps that move a handover along it.

    requested → approved → scheduled → in_transit → at_border → completed
    cancelled / failed, with a reason, from any open state

Approval is a supervisor's sign-off (HANDOVER_APPROVE) by someone other than the requester. It usually comes first
(`requested → approved`, then scheduling); a coordinator may also schedule a requested handover so the supervisor
approves the concrete plan: the handover is then `scheduled` with no approval yet, approval is recorded on it, and
no handover leaves for the border (`in_transit`) without one. Completion records a receipt; for remains, the
inventory of personal effects. The case follows: completion moves it to `handover_done`; cancelling or failing a
scheduled handover returns it to the state it had before the handover was planned.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case, CaseState
from app.cases.workflow import TRANSITIONS as CASE_TRANSITIONS
from app.cases.workflow import add_event, check_transition, transition
from app.db import utcnow
from app.errors import Conflict, InvalidTransition, NotFound, Unprocessable
from app.handovers import family_plan
from app.handovers.models import (
    Handover,
    HandoverReceipt,
    HandoverState,
    HandoverType,
    PersonalEffect,
    Traveller,
)
from app.handovers.scheduling import release_slot
from app.handovers.schemas import CompleteIn, EffectOut, ReceiptOut
from app.handovers.service import load, load_case, load_for_change
from app.staff.models import StaffUser

H = HandoverState

TRANSITIONS: Mapping[HandoverState, frozenset[HandoverState]] = {
    H.REQUESTED: frozenset({H.APPROVED, H.SCHEDULED, H.CANCELLED, H.FAILED}),
    H.APPROVED: frozenset({H.SCHEDULED, H.CANCELLED, H.FAILED}),
    H.SCHEDULED: frozenset({H.SCHEDULED, H.IN_TRANSIT, H.CANCELLED, H.FAILED}),
    H.IN_TRANSIT: frozenset({H.AT_BORDER, H.CANCELLED, H.FAILED}),
    H.AT_BORDER: frozenset({H.COMPLETED, H.CANCELLED, H.FAILED}),
    H.COMPLETED: frozenset(),
    H.CANCELLED: frozenset(),
    H.FAILED: frozenset(),
}
"""From each state, the states a handover may move to (`scheduled → scheduled` is a reschedule)."""


class ApprovalRefused(Conflict):
    code, title = "approval-needs-second-person", "A handover is approved by someone other than its requester"


def _check(handover: Handover, to_state: HandoverState) -> None:
    allowed = TRANSITIONS[HandoverState(handover.state)]
    if to_state not in allowed:
        raise InvalidTransition(
            f"A handover in state '{handover.state}' cannot move to '{to_state.value}'.",
            current_state=handover.state,
            allowed_transitions=sorted(s.value for s in allowed),
        )


def _move(
    session: Session,
    principal: StaffPrincipal,
    handover: Handover,
    to_state: HandoverState,
    *,
    note: str | None,
    case: Case | None = None,
    details: Mapping[str, object] | None = None,
) -> None:
    from_state = handover.state
    handover.state = to_state.value
    session.flush()
    case = case or session.get_one(Case, handover.case_id)
    add_event(
        session,
        case,
        actor=principal.actor,
        kind=f"handover_{to_state.value}",
        reason=note,
        details={"handover_id": str(handover.id), "from": from_state, "to": to_state.value},
    )
    record(
        session,
        actor=principal.actor,
        action=f"handover.{to_state.value}",
        target_type="handover",
        target_id=handover.id,
        changes={"state": {"old": from_state, "new": to_state.value}},
        details={"note": note, **dict(details or {})},
    )
    family_plan.after_change(session, handover, actor=principal.actor)


def approve(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, note: str | None, if_match: str | None
) -> Handover:
    """Record a supervisor's approval; a requested handover becomes `approved`, a scheduled one stays scheduled."""
    handover = load_for_change(session, handover_id, if_match)
    if handover.approved_at is not None:
        raise Conflict("The handover is already approved.", approved_at=handover.approved_at.isoformat())
    if handover.state not in (H.REQUESTED, H.SCHEDULED):
        raise InvalidTransition(
            f"A handover in state '{handover.state}' cannot be approved.", current_state=handover.state
        )
    if handover.requested_by_id == principal.user_id:
        raise ApprovalRefused("You requested this handover; another supervisor must approve it.")
    handover.approved_by_id, handover.approved_at, handover.approval_note = principal.user_id, utcnow(), note
    case = session.get_one(Case, handover.case_id)
    if handover.state == H.REQUESTED:
        _move(session, principal, handover, H.APPROVED, note=note, case=case)
        return handover
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="handover_approved",
        reason=note,
        details={"handover_id": str(handover.id), "revision": handover.schedule_revision},
    )
    record(
        session,
        actor=principal.actor,
        action="handover.approved",
        target_type="handover",
        target_id=handover.id,
        details={"note": note, "state": handover.state, "revision": handover.schedule_revision},
    )
    family_plan.after_change(session, handover, actor=principal.actor)
    return handover


def start_transit(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, note: str | None, if_match: str | None
) -> Handover:
    handover = load_for_change(session, handover_id, if_match)
    _check(handover, H.IN_TRANSIT)
    if handover.approved_at is None:
        raise Conflict("The handover has not been approved by a supervisor yet.", reason="not_approved")
    _move(session, principal, handover, H.IN_TRANSIT, note=note)
    return handover


def arrive_at_border(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, note: str | None, if_match: str | None
) -> Handover:
    handover = load_for_change(session, handover_id, if_match)
    _check(handover, H.AT_BORDER)
    _move(session, principal, handover, H.AT_BORDER, note=note)
    return handover


def complete(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, data: CompleteIn, if_match: str | None
) -> Handover:
    """Record the receipt (and, for remains, the inventory of personal effects); the case moves to handover_done."""
    handover = load_for_change(session, handover_id, if_match)
    _check(handover, H.COMPLETED)
    now = utcnow()
    received_at = data.received_at or now
    if received_at > now + timedelta(minutes=5):
        raise Unprocessable.field("#/received_at", "The handover cannot be received in the future.")
    if handover.type == HandoverType.REMAINS_REPATRIATION and data.personal_effects is None:
        raise Unprocessable.field(
            "#/personal_effects",
            "List the personal effects handed over with the remains (an empty list when there were none).",
        )
    name: str | None = data.received_by_name
    relationship: str | None = data.received_by_relationship
    if data.received_by_traveller_id is not None:
        traveller = session.get(Traveller, data.received_by_traveller_id)
        if traveller is None or traveller.handover_id != handover.id:
            raise Unprocessable.field("#/received_by_traveller_id", "No such traveller on this handover.")
        name, relationship = name or traveller.full_name, relationship or traveller.relationship
    handed_over_by = data.handed_over_by_id or principal.user_id
    staff = session.get(StaffUser, handed_over_by)
    if staff is None or not staff.is_active:
        raise Unprocessable.field("#/handed_over_by_id", "No such active staff user.")
    case = load_case(session, handover.case_id, for_update=True)
    check_transition(case, CaseState.HANDOVER_DONE)
    assert name is not None and relationship is not None  # guaranteed by CompleteIn's validator
    session.add(
        HandoverReceipt(
            handover_id=handover.id,
            received_by_name=name,
            received_by_relationship=str(relationship),
            received_by_traveller_id=data.received_by_traveller_id,
            received_at=received_at,
            handed_over_by_id=handed_over_by,
            witness_name=data.witness_name,
            notes=data.notes,
            recorded_by_id=principal.user_id,
            recorded_at=now,
        )
    )
    for position, effect in enumerate(data.personal_effects or [], start=1):
        session.add(PersonalEffect(handover_id=handover.id, position=position, **effect.model_dump()))
    handover.closed_at = now
    _move(
        session,
        principal,
        handover,
        H.COMPLETED,
        note=data.notes,
        case=case,
        details={"personal_effects": len(data.personal_effects or []), "received_at": received_at.isoformat()},
    )
    transition(
        session,
        case=case,
        to_state=CaseState.HANDOVER_DONE,
        actor=principal.actor,
        reason="Handover completed",
        details={"handover_id": str(handover.id)},
    )
    return handover


def close(
    session: Session,
    *,
    principal: StaffPrincipal,
    handover_id: uuid.UUID,
    to_state: HandoverState,
    reason: str,
    if_match: str | None,
) -> Handover:
    """Cancel or fail an open handover; its slot and escort booking are released, the case steps back."""
    handover = load_for_change(session, handover_id, if_match)
    _check(handover, to_state)
    case = load_case(session, handover.case_id, for_update=True)
    held_slot = handover.state in (H.SCHEDULED, H.IN_TRANSIT, H.AT_BORDER)
    handover.closed_reason, handover.closed_at = reason, utcnow()
    handover.needs_attention = False
    _move(session, principal, handover, to_state, note=reason, case=case)
    if held_slot and handover.point_id is not None and handover.travel_date is not None:
        release_slot(session, handover.point_id, handover.travel_date)
    if case.state == CaseState.HANDOVER_PLANNED:
        back = _state_to_return_to(case, handover)
        if back is not None:
            transition(
                session,
                case=case,
                to_state=back,
                actor=principal.actor,
                reason=f"Handover {to_state.value}: {reason}",
                details={"handover_id": str(handover.id)},
            )
    return handover


def _state_to_return_to(case: Case, handover: Handover) -> CaseState | None:
    allowed = CASE_TRANSITIONS[CaseState.HANDOVER_PLANNED]
    for candidate in (handover.case_state_before, case.outcome):
        if candidate and CaseState(candidate) in allowed:
            return CaseState(candidate)
    return None


def acknowledge_flag(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, note: str, if_match: str | None
) -> Handover:
    """A coordinator has looked at a flagged handover and keeps it as planned.

    The If-Match check matters most here: a flag raised after the coordinator read the handover (a second closure,
    a capacity cut) moves its version, so an acknowledgement can only clear the flag the coordinator actually saw.
    """
    handover = load_for_change(session, handover_id, if_match)
    if not handover.needs_attention:
        raise Conflict("The handover is not flagged.")
    reason = handover.attention_reason
    handover.needs_attention, handover.attention_reason, handover.flagged_at = False, None, None
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="handover.flag_acknowledged",
        target_type="handover",
        target_id=handover.id,
        details={"note": note, "flag": reason},
    )
    family_plan.after_change(session, handover, actor=principal.actor)
    return handover


def read_receipt(session: Session, handover_id: uuid.UUID) -> ReceiptOut:
    load(session, handover_id)
    receipt = session.get(HandoverReceipt, handover_id)
    if receipt is None:
        raise NotFound("This handover has no receipt (it is not completed).")
    effects = session.execute(
        select(PersonalEffect).where(PersonalEffect.handover_id == handover_id).order_by(PersonalEffect.position)
    ).scalars()
    return ReceiptOut(
        handover_id=receipt.handover_id,
        received_by_name=receipt.received_by_name,
        received_by_relationship=receipt.received_by_relationship,
        received_by_traveller_id=receipt.received_by_traveller_id,
        received_at=receipt.received_at,
        handed_over_by_id=receipt.handed_over_by_id,
        witness_name=receipt.witness_name,
        notes=receipt.notes,
        recorded_by_id=receipt.recorded_by_id,
        recorded_at=receipt.recorded_at,
        personal_effects=[EffectOut.model_validate(e) for e in effects],
    )
