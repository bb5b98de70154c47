"""Read side of cases: queues and search, the timeline, and the family of cases merged into one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, case, func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.deadlines import overdue_condition
from app.cases.models import Case, CaseEvent, CaseState
from app.cases.nameindex import active_case
from app.cases.policies import get_case_for, scoped_cases
from app.cases.search import SearchFilters, case_conditions
from app.db import utcnow
from app.inquiries.models import Inquiry
from app.staff.models import StaffUser

MAX_MERGE_DEPTH = 16


class Queue(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    OVERDUE = "overdue"
    AWAITING_CONFIRMATION = "awaiting_confirmation"


class CaseSort(StrEnum):
    CREATED = "created_at"
    CREATED_DESC = "-created_at"
    UPDATED = "updated_at"
    UPDATED_DESC = "-updated_at"
    FIRST_RESPONSE_DUE = "first_response_due_at"
    NEXT_REVIEW = "next_review_at"
    PRIORITY = "-priority"
    REFERENCE = "reference"


_PRIORITY_RANK = case({"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=Case.priority, else_=4)
_ORDER: dict[CaseSort, tuple[UnaryExpression[Any], ...]] = {
    CaseSort.CREATED: (Case.created_at.asc(),),
    CaseSort.CREATED_DESC: (Case.created_at.desc(),),
    CaseSort.UPDATED: (Case.updated_at.asc(),),
    CaseSort.UPDATED_DESC: (Case.updated_at.desc(),),
    CaseSort.FIRST_RESPONSE_DUE: (Case.first_response_due_at.asc(),),
    CaseSort.NEXT_REVIEW: (Case.next_review_at.asc(),),
    CaseSort.PRIORITY: (_PRIORITY_RANK.asc(), Case.first_response_due_at.asc()),
    CaseSort.REFERENCE: (Case.reference.asc(),),
}


@dataclass(frozen=True, slots=True)
class CaseListItem:
    case: Case
    officer_name: str | None
    inquiry_count: int


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: CaseEvent
    actor_name: str | None
    case_reference: str


def _queue_condition(queue: Queue, principal: StaffPrincipal) -> ColumnElement[bool]:
    if queue is Queue.MINE:
        return active_case() & (Case.assigned_officer_id == principal.user_id)
    if queue is Queue.UNASSIGNED:
        return active_case() & Case.assigned_officer_id.is_(None)
    if queue is Queue.OVERDUE:
        return overdue_condition(utcnow())
    return Case.has_pending_proposal.is_(True) & Case.merged_into_id.is_(None)


def _filtered(
    session: Session,
    principal: StaffPrincipal,
    *,
    queue: Queue | None,
    states: list[CaseState],
    filters: SearchFilters,
    include_merged: bool,
) -> Select[Case]:
    query = scoped_cases(principal)
    if queue is not None:
        query = query.where(_queue_condition(queue, principal))
    if states:
        query = query.where(Case.state.in_([s.value for s in states]))
    if not include_merged:
        query = query.where(Case.merged_into_id.is_(None))
    for condition in case_conditions(session, filters):
        query = query.where(condition)
    return query


def list_cases(
    session: Session,
    *,
    principal: StaffPrincipal,
    queue: Queue | None,
    states: list[CaseState],
    filters: SearchFilters,
    include_merged: bool,
    sort: CaseSort,
    limit: int,
    offset: int,
) -> tuple[list[CaseListItem], int]:
    """A page of the principal's cases, in a queue and/or matching the search; searches are audited."""
    query = _filtered(session, principal, queue=queue, states=states, filters=filters, include_merged=include_merged)
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    inquiry_count = select(func.count(Inquiry.id)).where(Inquiry.case_id == Case.id).correlate(Case).scalar_subquery()
    rows = session.execute(
        query.add_columns(StaffUser.full_name, inquiry_count)
        .outerjoin(StaffUser, StaffUser.id == Case.assigned_officer_id)
        .order_by(*_ORDER[sort], Case.id)
        .limit(limit)
        .offset(offset)
    ).all()
    if filters.used():
        record(
            session,
            actor=principal.actor,
            action="case.searched",
            details={"filters": filters.used(), "queue": queue.value if queue else None, "results": total},
        )
    return [CaseListItem(row[0], row[1], int(row[2])) for row in rows], int(total)


def case_family_ids(session: Session, case: Case) -> list[uuid.UUID]:
    """The case and every case merged into it (directly or through another merge): one shared history."""
    family, frontier = [case.id], [case.id]
    for _ in range(MAX_MERGE_DEPTH):
        frontier = list(session.execute(select(Case.id).where(Case.merged_into_id.in_(frontier))).scalars())
        if not frontier:
            break
        family.extend(frontier)
    return family


def timeline(session: Session, *, principal: StaffPrincipal, reference: str) -> list[TimelineEntry]:
    """Every event of the case and of the cases merged into it, oldest first, with the actors' names."""
    case_ = get_case_for(session, principal, reference)
    family = case_family_ids(session, case_)
    references = {i: ref for i, ref in session.execute(select(Case.id, Case.reference).where(Case.id.in_(family)))}
    events = list(
        session.execute(
            select(CaseEvent).where(CaseEvent.case_id.in_(family)).order_by(CaseEvent.occurred_at, CaseEvent.id)
        ).scalars()
    )
    names = _actor_names(session, {e.actor for e in events})
    record(
        session,
        actor=principal.actor,
        action="case.timeline_viewed",
        target_type="case",
        target_id=case_.id,
    )
    return [TimelineEntry(e, names.get(e.actor), references[e.case_id]) for e in events]


def _actor_names(session: Session, actors: set[str]) -> dict[str, str]:
    ids = []
    for actor in actors:
        try:
            ids.append(uuid.UUID(actor))
        except ValueError:
            continue
    if not ids:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(ids)))
    return {str(user_id): name for user_id, name in rows}
