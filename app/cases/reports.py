"""What a supervisor's dashboard counts, within the supervisor's scope: cases per state and queue, workload per
officer, overdue deadlines, deaths awaiting a second signature, cases with unread family messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.auth.principals import StaffPrincipal
from app.cases.deadlines import overdue_condition
from app.cases.family_messages import unread_condition
from app.cases.models import Case, CaseState, OutcomeProposal
from app.cases.nameindex import active_case
from app.cases.policies import case_scope
from app.db import utcnow
from app.staff.models import StaffUser


@dataclass(frozen=True, slots=True)
class Workload:
    officer_id: str
    officer_name: str
    active: int
    overdue: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    by_state: dict[str, int]
    unassigned: int
    overdue: int
    awaiting_confirmation: int
    unread_messages: int
    workload: list[Workload]


def dashboard(session: Session, *, principal: StaffPrincipal) -> Dashboard:
    """The counts, in one pass per figure (each an indexed aggregate), within `principal`'s scope."""
    scope = case_scope(principal) & Case.merged_into_id.is_(None)
    now = utcnow()
    by_state = {
        state: int(count)
        for state, count in session.execute(select(Case.state, func.count()).where(scope).group_by(Case.state))
    }

    def count(*conditions: ColumnElement[bool]) -> int:
        return int(session.execute(select(func.count()).select_from(Case).where(scope, *conditions)).scalar_one())

    late = overdue_condition(now)
    rows = session.execute(
        select(
            StaffUser.id,
            StaffUser.full_name,
            func.count(Case.id),
            func.count(Case.id).filter(late),
        )
        .join(Case, Case.assigned_officer_id == StaffUser.id)
        .where(scope, active_case())
        .group_by(StaffUser.id, StaffUser.full_name)
        .order_by(func.count(Case.id).desc(), StaffUser.full_name)
    )
    return Dashboard(
        by_state={s.value: by_state.get(s.value, 0) for s in CaseState},
        unassigned=count(active_case(), Case.assigned_officer_id.is_(None)),
        overdue=count(late),
        awaiting_confirmation=count(Case.has_pending_proposal.is_(True)),
        unread_messages=count(unread_condition()),
        workload=[Workload(str(i), name, int(n), int(o)) for i, name, n, o in rows],
    )


def deaths_awaiting_signature(
    session: Session, *, principal: StaffPrincipal, limit: int = 50
) -> list[tuple[Case, OutcomeProposal]]:
    """Pending proposals to record (or revert) `deceased`, oldest first: the second signatures owed."""
    rows = session.execute(
        select(Case, OutcomeProposal)
        .join(OutcomeProposal, OutcomeProposal.case_id == Case.id)
        .where(case_scope(principal), OutcomeProposal.status == "pending")
        .order_by(OutcomeProposal.proposed_at)
        .limit(limit)
    )
    return [(case, proposal) for case, proposal in rows]


def cases_with_unread_messages(session: Session, *, principal: StaffPrincipal, limit: int = 50) -> list[Case]:
    return list(
        session.execute(
            select(Case)
            .where(case_scope(principal), Case.merged_into_id.is_(None), unread_condition())
            .order_by(Case.updated_at.desc())
            .limit(limit)
        ).scalars()
    )
