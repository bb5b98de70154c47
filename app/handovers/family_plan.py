"""The travel plan as the family sees it: shown only while it holds, and never changed behind their back.

A plan *holds* when the handover is approved by a supervisor, scheduled (or under way), not flagged for attention,
and the crossing's latest status record for the travel date says it is open (or open with restrictions). A date no
status record covers does not hold: nothing about a crossing is assumed.

`after_change(session, handover, actor=...)` runs after every change to a handover (scheduling, approval, flagging,
acknowledging a flag, cancelling, completing). It publishes a plan the first time it holds and, when a published
plan stops holding or is rescheduled, withdraws it and opens a call task: the family's portal then says "Your
travel plan has changed. Do not travel until we call you" and shows no instructions until a member of staff records
the call.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor
from app.cases.call_tasks import has_open_travel_task, open_call_task
from app.cases.family_updates import UpdateKind, announce
from app.cases.models import CallTaskKind
from app.db import utcnow
from app.handovers.models import ROUTED_OPEN_STATES, FamilyTravelPlan, Handover, HandoverState
from app.reference.models import CrossingState, CrossingStatus
from app.reference.timeline import crossing_status_on

_ROUTED = [s.value for s in ROUTED_OPEN_STATES]
_ENDED = (HandoverState.CANCELLED.value, HandoverState.FAILED.value)


def holding_status(session: Session, handover: Handover) -> CrossingStatus | None:
    """The crossing status record that lets the plan hold on its date, or None when the plan does not hold."""
    if handover.approved_at is None or handover.state not in _ROUTED or handover.needs_attention:
        return None
    if handover.crossing_id is None or handover.travel_date is None:
        return None
    status = crossing_status_on(session, handover.crossing_id, handover.travel_date)
    if status is None or status.state == CrossingState.CLOSED.value:
        return None
    return status


def sync(session: Session, handover: Handover, *, actor: Actor) -> str | None:
    """Bring the family's view of this handover's plan in line with the handover; returns what happened to it
    (`scheduled`, `changed`, `cancelled`) when the family should hear of it, else None."""
    session.flush()
    holds = holding_status(session, handover) is not None
    plan = session.get(FamilyTravelPlan, handover.id)
    now = utcnow()
    if holds:
        if plan is None:
            session.add(
                FamilyTravelPlan(
                    handover_id=handover.id,
                    case_id=handover.case_id,
                    revision=handover.schedule_revision,
                    published_at=now,
                )
            )
            session.flush()
            return "scheduled"
        if plan.withdrawn_at is None and plan.revision == handover.schedule_revision:
            return None
        rescheduled_while_shown = plan.withdrawn_at is None
        plan.revision, plan.withdrawn_at, plan.published_at = handover.schedule_revision, None, now
        if rescheduled_while_shown:
            _open_task(session, handover, actor, CallTaskKind.TRAVEL_PLAN_CHANGED, "The travel plan was rescheduled")
            return "changed"
        return None  # it holds again after a change; the open call task keeps the instructions back until the call
    if plan is None or plan.withdrawn_at is not None:
        return None
    plan.withdrawn_at = now
    if handover.state == HandoverState.COMPLETED.value:
        return None
    if handover.state in _ENDED:
        reason = f"The handover was {handover.state}: {handover.closed_reason or ''}".strip(": ")
        _open_task(session, handover, actor, CallTaskKind.TRAVEL_PLAN_CANCELLED, reason)
        return "cancelled"
    reason = handover.attention_reason or "The travel plan no longer holds"
    _open_task(session, handover, actor, CallTaskKind.TRAVEL_PLAN_CHANGED, reason)
    return "changed"


def after_change(session: Session, handover: Handover, *, actor: Actor) -> None:
    """Call after any change to a handover: keeps the family's plan honest (see the module docstring) and emails
    the consenting requesters that their plan is ready or has changed (never the plan itself)."""
    happened = sync(session, handover, actor=actor)
    if happened is not None:
        announce(
            session,
            case_id=handover.case_id,
            kind=UpdateKind(f"travel_plan_{happened}"),
            occasion=f"{handover.id.hex[:12]}:{happened}:{int(utcnow().timestamp())}",
        )


def _open_task(session: Session, handover: Handover, actor: Actor, kind: CallTaskKind, reason: str) -> None:
    open_call_task(
        session,
        actor=actor,
        case_id=handover.case_id,
        handover_id=handover.id,
        kind=kind,
        reason=f"Call the family: {reason}. Their portal tells them not to travel until we call."[:2000],
    )


@dataclass(frozen=True, slots=True)
class FamilyPlan:
    """What the family's portal shows about travel: a holding plan, or the notice that it changed (never both)."""

    handover: Handover | None
    crossing_status: CrossingStatus | None
    changed: bool


def for_family(session: Session, case_id: uuid.UUID) -> FamilyPlan:
    if has_open_travel_task(session, case_id):
        return FamilyPlan(None, None, True)
    handover = session.execute(
        select(Handover)
        .where(Handover.case_id == case_id, Handover.state.in_(_ROUTED))
        .order_by(Handover.requested_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if handover is None:
        return FamilyPlan(None, None, False)
    status = holding_status(session, handover)
    return FamilyPlan(handover if status else None, status, False)
