"""Deadlines: the first response a family is owed, and the next time an officer must look at the case.

* `first_response_due_at`: the first inquiry's receipt + `first_response_hours` (default 48 h). Met by the first
  outbound contact logged on the case (`first_responded_at`).
* `next_review_at`: `case_review_days` (default 7) after the case opened and after every change of state; officers
  may set it themselves. A closed case has none.

A case is overdue while it is active and either deadline has passed; `overdue_condition` is the same rule in SQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseState
from app.db import settings_of, utcnow


def first_response_due(session: Session, received_at: datetime) -> datetime:
    return received_at + timedelta(hours=settings_of(session).first_response_hours)


def next_review(session: Session, now: datetime, state: str) -> datetime | None:
    if state == CaseState.CLOSED.value:
        return None
    return now + timedelta(days=settings_of(session).case_review_days)


def is_overdue(case: Case, now: datetime) -> bool:
    if case.state == CaseState.CLOSED.value or case.merged_into_id is not None:
        return False
    response_late = (
        case.first_responded_at is None and case.first_response_due_at is not None and case.first_response_due_at <= now
    )
    review_late = case.next_review_at is not None and case.next_review_at <= now
    return response_late or review_late


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    return and_(
        Case.state != CaseState.CLOSED.value,
        Case.merged_into_id.is_(None),
        or_(
            and_(Case.first_responded_at.is_(None), Case.first_response_due_at <= now),
            Case.next_review_at <= now,
        ),
    )


def after_state_change(session: Session, case: Case) -> None:
    """Deadlines follow the state: a new review date after every move, none once closed."""
    now = utcnow()
    case.next_review_at = next_review(session, now, case.state)
    case.updated_at = now
    session.flush()
