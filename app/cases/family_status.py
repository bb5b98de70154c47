"""The family-facing status key of a case: its state read through the confirmed outcome only.

Shared by the portal's pages (`app.portal.views`) and the email that says "your case has an update", so the two
agree on what counts as a change for the family. Whether a requester may be *told* a status is the disclosure gate's
decision (`app.cases.disclosure`), not this module's.
"""

from __future__ import annotations

from app.cases.models import Case, CaseState, Outcome

S = CaseState


def status_key_of(state: str, outcome: str | None) -> str:
    current = CaseState(state)
    if current is S.OPEN:
        return "received"
    if current in (S.SEARCHING, S.MATCH_PROPOSED):
        return "searching"
    if current in (S.IN_CAPTIVITY, S.RELEASED, S.NOT_FOUND, S.DECEASED):
        return current.value
    if outcome == Outcome.DECEASED.value:
        return "deceased"
    if current in (S.HANDOVER_PLANNED, S.HANDOVER_DONE):
        return current.value
    if outcome in {o.value for o in Outcome}:
        return str(outcome)
    return "closed" if current is S.CLOSED else "searching"


def status_key(case: Case) -> str:
    """The family-facing status for a case's state and confirmed outcome."""
    return status_key_of(case.state, case.outcome)
