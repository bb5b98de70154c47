"""Object- and field-level access to cases: the one place that decides which cases a member of staff sees.

Object level (which cases), by role, the union over a user's roles:

| role | cases in scope |
|---|---|
| operator | all (to find a caller's case, read its status and log contacts) |
| case officer | assigned to them, unassigned, and any awaiting a second signature (so a colleague can confirm) |
| coordinator | cases in a handover state (`handover_planned`, `handover_done`) |
| supervisor, auditor | all |
| admin | none (no case work by default) |

Everything outside the scope is simply not found (404), never 403: existence does not leak.

Field level: staff without `case:read_full` (operators, coordinators) get the status view, which has no internal
notes, no timeline reasons and no registry data; see `app.cases.schemas`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from app.auth.permissions import Permission, Role
from app.auth.principals import StaffPrincipal
from app.cases.models import Case, CaseState
from app.cases.references import parse_reference
from app.errors import NotFound

HANDOVER_STATES = frozenset({CaseState.HANDOVER_PLANNED.value, CaseState.HANDOVER_DONE.value})
ALL_CASES_ROLES = frozenset({Role.OPERATOR.value, Role.SUPERVISOR.value, Role.AUDITOR.value})


def case_scope(principal: StaffPrincipal) -> ColumnElement[bool]:
    """A WHERE clause over `Case` selecting exactly the cases `principal` may see."""
    roles = set(principal.roles)
    if roles & ALL_CASES_ROLES:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if Role.CASE_OFFICER.value in roles:
        conditions += [
            Case.assigned_officer_id == principal.user_id,
            Case.assigned_officer_id.is_(None),
            Case.has_pending_proposal.is_(True),
        ]
    if Role.COORDINATOR.value in roles:
        conditions.append(Case.state.in_(sorted(HANDOVER_STATES)))
    return or_(*conditions) if conditions else false()


def scoped_cases(principal: StaffPrincipal) -> Select[Case]:
    """`select(Case)` restricted to the principal's scope; add filters, ordering and paging to it."""
    return select(Case).where(case_scope(principal))


def is_in_scope(principal: StaffPrincipal, case: Case) -> bool:
    """The same rule as `case_scope`, for a case already loaded."""
    roles = set(principal.roles)
    if roles & ALL_CASES_ROLES:
        return True
    if Role.CASE_OFFICER.value in roles and (
        case.assigned_officer_id in (None, principal.user_id) or case.has_pending_proposal
    ):
        return True
    return Role.COORDINATOR.value in roles and case.state in HANDOVER_STATES


def get_case_for(session: Session, principal: StaffPrincipal, reference: str, *, for_update: bool = False) -> Case:
    """The case with `reference` if `principal` may see it; 404 when absent or out of scope, 422 when mistyped.

    `for_update=True` locks the row for the rest of the transaction (PostgreSQL; SQLite transactions are already
    exclusive) and re-reads it, so a version check after it sees the latest committed state.
    """
    canonical = parse_reference(reference, parameter="reference")
    query = scoped_cases(principal).where(Case.reference == canonical)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise NotFound("There is no case with this reference, or it is not yours to see.")
    return case


def get_case_for_intake(session: Session, reference: str, *, pointer: str = "#/case_reference") -> Case:
    """A case an inquiry may be attached to: anyone logging inquiries may attach to any case (operators see all).

    A case merged into another resolves to the case it was merged into.
    """
    canonical = parse_reference(reference, pointer=pointer)
    case = session.execute(select(Case).where(Case.reference == canonical)).scalar_one_or_none()
    seen = 0
    while case is not None and case.merged_into_id is not None and seen < 16:
        case, seen = session.get(Case, case.merged_into_id), seen + 1
    if case is None:
        raise NotFound("There is no case with this reference.", errors=[{"pointer": pointer, "detail": "no such case"}])
    return case


def sees_full_record(principal: StaffPrincipal) -> bool:
    """Internal notes, timeline reasons, proposals and restricted fields: `case:read_full` only."""
    return principal.can(Permission.CASE_READ_FULL)


def visible_note_kinds(principal: StaffPrincipal) -> tuple[str, ...]:
    """Which note visibilities the principal may read: operators never see `internal` notes."""
    return ("internal", "staff") if sees_full_record(principal) else ("staff",)
