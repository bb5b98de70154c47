"""The case life cycle as a declared table, and the one function that moves a case along it.

Every transition records actor, time and reason on the case timeline and in the audit trail, in the caller's
transaction. An illegal transition raises `InvalidTransition` (409) naming the allowed targets and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.family_status import status_key, status_key_of
from app.cases.family_updates import UpdateKind, announce
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

TWO_PERSON_OUTCOMES = frozenset({Outcome.DECEASED.value})
"""Outcomes that take two people to record and two people to revert."""

RESERVED_STATES = frozenset({S.HANDOVER_PLANNED, S.HANDOVER_DONE})
"""Entered only through the handover workflow, never through `POST /cases/{ref}/transitions`."""

SecondPerson = Literal["record", "revert"]


def allowed_targets(state: str, *, exclude: frozenset[CaseState] = frozenset()) -> list[str]:
    return sorted(s.value for s in TRANSITIONS.get(CaseState(state), frozenset()) if s not in exclude)


def check_transition(case: Case, to_state: CaseState, *, exclude: frozenset[CaseState] = frozenset()) -> None:
    """Raise `InvalidTransition` (409) listing the allowed targets unless the table allows `to_state`."""
    if to_state in exclude or to_state not in TRANSITIONS.get(CaseState(case.state), frozenset()):
        allowed = allowed_targets(case.state, exclude=exclude)
        raise InvalidTransition(
            f"A case in state '{case.state}' cannot move to '{to_state.value}'.",
            current_state=case.state,
            allowed_transitions=allowed,
        )


def outcome_after(case: Case, to_state: CaseState) -> str | None:
    """The confirmed outcome the case would have after moving to `to_state`."""
    if to_state in OUTCOME_STATES:
        return OUTCOME_STATES[to_state].value
    if to_state is CaseState.SEARCHING:
        return None
    return case.outcome


def second_person_needed(case: Case, to_state: CaseState) -> SecondPerson | None:
    """`record` when the move would make `deceased` the outcome, `revert` when it would undo a confirmed
    `deceased`; None when one person may make it (including moves that keep `deceased`, such as to a handover)."""
    before, after = case.outcome, outcome_after(case, to_state)
    if before == after:
        return None
    if after in TWO_PERSON_OUTCOMES:
        return "record"
    if before in TWO_PERSON_OUTCOMES:
        return "revert"
    return None


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
    second_person_confirmed: bool = False,
) -> CaseEvent:
    """Move `case` to `to_state` if the table allows it; record timeline entry and audit event.

    Callers check permissions and scope. The two-person rule is enforced here as a last line of defence: a move
    that records or reverts `deceased` is refused unless `second_person_confirmed` says a second person confirmed
    it (`app.cases.outcomes` does that). Moves that keep the outcome (`deceased → handover_planned` and back) need
    no second person.
    """
    check_transition(case, to_state)
    if second_person_needed(case, to_state) and not second_person_confirmed:
        raise InvalidTransition(
            "Recording or reverting 'deceased' needs a proposal confirmed by a second person.",
            current_state=case.state,
            allowed_transitions=allowed_targets(case.state),
        )
    from_state, from_outcome = case.state, case.outcome
    now = utcnow()
    new_outcome = outcome_after(case, to_state)
    if new_outcome != case.outcome:
        case.outcome = new_outcome
        case.outcome_confirmed_at = now if new_outcome is not None else None
    case.state = to_state.value
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
    changes: dict[str, dict[str, Any]] = {"state": {"old": from_state, "new": to_state.value}}
    if from_outcome != case.outcome:
        changes["outcome"] = {"old": from_outcome, "new": case.outcome}
    record(
        session,
        actor=actor,
        action="case.transitioned",
        target_type="case",
        target_id=case.id,
        changes=changes,
        details={"reason": reason, **dict(details or {})},
    )
    if status_key_of(from_state, from_outcome) != status_key(case):
        announce(session, case_id=case.id, kind=UpdateKind.STATUS_CHANGED, occasion=f"event:{event.id}")
    return event
