"""The case life cycle as a declared table, and the one function that moves a case along it.

Every transition records actor, time and reason on the case timeline and in the audit trail, in the caller's
transaction. An illegal transition raises `InvalidTransition` (409) naming the allowed targets and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.models import Case, CaseEvent, CaseState, Outcome
from app.db import utcnow
from app.errors import InvalidTransition

S = CaseState

TRANSITIONS: Mapping[CaseState, frozenset[CaseState]] = {
    S.OPEN: frozenset({S.SEARCHING}),
    S.SEARCHING: frozenset({S.MATCH_PROPOSED, S.IN_CAPTIVITY, S.DECEASED, S.RELEASED, S.NOT_FOUND}),
    S.MATCH_PROPOSED: frozenset({S.SEARCHING, S.IN_CAPTIVITY, S.DECEASED, S.RELEASED, S.NOT_FOUND}),
    S.IN_CAPTIVITY: frozenset({S.FAMILY_INFORMED, S.RELEASED, S.DECEASED, S.SEARCHING, S.HANDOVER_PLANNED}),
    S.DECEASED: frozenset({S.FAMILY_INFORMED, S.HANDOVER_PLANNED, S.SEARCHING}),
    S.RELEASED: frozenset({S.FAMILY_INFORMED, S.HANDOVER_PLANNED}),
    S.NOT_FOUND: frozenset({S.SEARCHING, S.FAMILY_INFORMED}),
    S.FAMILY_INFORMED: frozenset({S.CLOSED, S.HANDOVER_PLANNED, S.SEARCHING, S.RELEASED, S.DECEASED}),
    S.HANDOVER_PLANNED: frozenset({S.HANDOVER_DONE, S.FAMILY_INFORMED, S.RELEASED, S.DECEASED, S.IN_CAPTIVITY}),
    S.HANDOVER_DONE: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.SEARCHING}),
}
"""From each state, the states a case may move to. Leaving `handover_planned` other than to `handover_done` is
how a cancelled handover returns the case to its outcome."""

OUTCOME_STATES: Mapping[CaseState, Outcome] = {
    S.IN_CAPTIVITY: Outcome.IN_CAPTIVITY,
    S.DECEASED: Outcome.DECEASED,
    S.RELEASED: Outcome.RELEASED,
    S.NOT_FOUND: Outcome.NOT_FOUND,
}

TWO_PERSON_STATES = frozenset({S.DECEASED})
"""Entering these needs a proposal by one officer and a confirmation by a different officer or a supervisor."""


def allowed_targets(state: str) -> list[str]:
    return sorted(s.value for s in TRANSITIONS.get(CaseState(state), frozenset()))


def check_transition(case: Case, to_state: CaseState) -> None:
    if to_state not in TRANSITIONS.get(CaseState(case.state), frozenset()):
        allowed = allowed_targets(case.state)
        raise InvalidTransition(
            f"A case in state '{case.state}' cannot move to '{to_state.value}'.",
            current_state=case.state,
            allowed_transitions=allowed,
        )


def add_event(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    kind: str,
    reason: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Append an entry to the case timeline (the audit event is the caller's to write)."""
    event = CaseEvent(
        case_id=case.id,
        actor=actor.id,
        kind=kind,
        reason=reason,
        from_state=from_state,
        to_state=to_state,
        details=dict(details or {}),
        occurred_at=utcnow(),
    )
    session.add(event)
    return event


def transition(
    session: Session,
    *,
    case: Case,
    to_state: CaseState,
    actor: Actor,
    reason: str,
    details: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Move `case` to `to_state` if the table allows it; record timeline entry and audit event.

    The two-person rule is enforced by the caller (`app.cases.outcomes`): this function applies a transition that
    has already been authorized, including a confirmed `deceased`.
    """
    check_transition(case, to_state)
    from_state = case.state
    now = utcnow()
    case.state = to_state.value
    if to_state in OUTCOME_STATES:
        case.outcome = OUTCOME_STATES[to_state].value
        case.outcome_confirmed_at = now
    elif to_state is CaseState.SEARCHING:
        case.outcome, case.outcome_confirmed_at = None, None  # searching again: no outcome stands
    case.family_updated_at = now
    event = add_event(
        session,
        case,
        actor=actor,
        kind="transitioned",
        reason=reason,
        from_state=from_state,
        to_state=to_state.value,
        details=details,
    )
    session.flush()
    record(
        session,
        actor=actor,
        action="case.transitioned",
        target_type="case",
        target_id=case.id,
        changes={"state": {"old": from_state, "new": to_state.value}},
        details={"reason": reason, **dict(details or {})},
    )
    return event
