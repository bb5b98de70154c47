"""Object- and field-level access to cases: the one place that decides which cases a member of staff sees.

Object level (which cases): each role's case scopes are a column of the one role table
(`app.auth.permissions.ROLES`); a user sees the union over their roles. Today: operators, supervisors and auditors
see all cases; case officers those assigned to them, unassigned ones and any awaiting a second signature (so a
colleague can confirm); coordinators cases in a handover state; admins none.

Everything outside the scope is simply not found (404), never 403: existence does not leak.

Field level: staff without `case:read_full` (operators, coordinators) get the status view, which has no internal
notes, no timeline reasons and no registry data; see `app.cases.schemas`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from app.auth.permissions import CaseScope, Permission, case_scopes_for
from app.auth.principals import StaffPrincipal
from app.cases.models import Case, CaseState
from app.cases.references import parse_reference
from app.errors import NotFound

HANDOVER_STATES = frozenset({CaseState.HANDOVER_PLANNED.value, CaseState.HANDOVER_DONE.value})


def _condition(scope: CaseScope, principal: StaffPrincipal) -> ColumnElement[bool]:
    match scope:
        case CaseScope.ALL:
            return true()
        case CaseScope.ASSIGNED_TO_THEM:
            return Case.assigned_officer_id == principal.user_id
        case CaseScope.UNASSIGNED:
            return Case.assigned_officer_id.is_(None)
        case CaseScope.AWAITING_SECOND_SIGNATURE:
            return Case.has_pending_proposal.is_(True)
        case CaseScope.IN_HANDOVER:
            return Case.state.in_(sorted(HANDOVER_STATES))


def case_scope(principal: StaffPrincipal) -> ColumnElement[bool]:
    """A WHERE clause over `Case` selecting exactly the cases `principal` may see (nothing without a scope)."""
    scopes = case_scopes_for(principal.roles)
    if CaseScope.ALL in scopes:
        return true()
    conditions = [_condition(scope, principal) for scope in sorted(scopes)]
    return or_(*conditions) if conditions else false()


def scoped_cases(principal: StaffPrincipal) -> Select[Case]:
    """`select(Case)` restricted to the principal's scope; add filters, ordering and paging to it."""
    return select(Case).where(case_scope(principal))


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
