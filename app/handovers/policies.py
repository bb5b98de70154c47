"""Which cases may have which handover, and in which case states a handover may be planned.

A release to the family needs a `released` outcome, or `in_captivity` with an agreed release (its reference is
recorded on the handover); a repatriation of remains needs a confirmed `deceased` outcome. The rules live here,
in one table, not scattered through the services.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.cases.models import Case, CaseState, Outcome
from app.errors import Conflict, Unprocessable
from app.handovers.models import HandoverType

ELIGIBLE_OUTCOMES: Mapping[HandoverType, frozenset[Outcome]] = {
    HandoverType.RELEASE_TO_FAMILY: frozenset({Outcome.RELEASED, Outcome.IN_CAPTIVITY}),
    HandoverType.REMAINS_REPATRIATION: frozenset({Outcome.DECEASED}),
}
PLANNABLE_CASE_STATES = frozenset(
    {CaseState.RELEASED, CaseState.IN_CAPTIVITY, CaseState.DECEASED, CaseState.FAMILY_INFORMED}
)
"""Case states from which scheduling may move a case to `handover_planned` (see the case transition table)."""


class CaseWrongState(Conflict):
    code, title = "case-wrong-state", "The case is not in a state that allows this handover"


def check_eligible(case: Case, handover_type: HandoverType, agreed_release_reference: str | None) -> None:
    """Refuse (409) a handover type the case's confirmed outcome does not allow, or a case in the wrong state."""
    outcome = Outcome(case.outcome) if case.outcome else None
    allowed = ELIGIBLE_OUTCOMES[handover_type]
    if outcome is None or outcome not in allowed or case.outcome_confirmed_at is None:
        raise CaseWrongState(
            f"A {handover_type.value} handover needs a confirmed outcome of "
            f"{' or '.join(sorted(o.value for o in allowed))}; this case has {outcome.value if outcome else 'none'}.",
            reason="case_outcome",
            case_state=case.state,
            case_outcome=case.outcome,
        )
    if case.state not in PLANNABLE_CASE_STATES and case.state != CaseState.HANDOVER_PLANNED:
        raise CaseWrongState(
            f"The case is '{case.state}'; a handover can be planned only after its outcome is recorded.",
            reason="case_state",
            case_state=case.state,
        )
    if outcome is Outcome.IN_CAPTIVITY and not agreed_release_reference:
        raise Unprocessable.field(
            "#/agreed_release_reference",
            "The man is still in captivity: give the reference of the agreed release this handover carries out.",
        )
