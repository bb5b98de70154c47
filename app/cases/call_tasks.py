"""Calls staff owe a family. The portal told the family to wait for the call, so an open task is a promise.

Opened by the system (a shown travel plan changed or was cancelled), listed per case and across cases for the
supervisor's dashboard, and closed by the member of staff who made the call, with a note.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.auth.principals import StaffPrincipal
from app.cases.models import CallTask, CallTaskKind, Case
from app.cases.policies import get_case_for
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Conflict, NotFound

TRAVEL_KINDS = (CallTaskKind.TRAVEL_PLAN_CHANGED.value, CallTaskKind.TRAVEL_PLAN_CANCELLED.value)


def open_call_task(
    session: Session,
    *,
    actor: Actor,
    case_id: uuid.UUID,
    kind: CallTaskKind,
    reason: str,
    handover_id: uuid.UUID | None = None,
) -> CallTask:
    """Open a task, or return the open one for the same handover (one promise, one call); audited, on the timeline."""
    existing = session.execute(
        select(CallTask).where(
            CallTask.case_id == case_id, CallTask.handover_id == handover_id, CallTask.done_at.is_(None)
        )
    ).scalar_one_or_none()
    if existing is not None:
        existing.kind, existing.reason = kind.value, reason
        return existing
    task = CallTask(case_id=case_id, handover_id=handover_id, kind=kind.value, reason=reason, created_at=utcnow())
    session.add(task)
    session.flush()
    case = session.get_one(Case, case_id)
    add_event(session, case, actor=actor, kind="call_task_opened", reason=reason, details={"task_id": str(task.id)})
    record(
        session,
        actor=actor,
        action="case.call_task_opened",
        target_type="case",
        target_id=case_id,
        details={"task_id": task.id, "kind": kind.value, "handover_id": handover_id},
    )
    return task


def has_open_travel_task(session: Session, case_id: uuid.UUID) -> bool:
    return (
        session.execute(
            select(CallTask.id)
            .where(CallTask.case_id == case_id, CallTask.done_at.is_(None), CallTask.kind.in_(TRAVEL_KINDS))
            .limit(1)
        ).scalar_one_or_none()
        is not None
    )


def list_for_case(session: Session, *, principal: StaffPrincipal, reference: str) -> tuple[Case, list[CallTask]]:
    case = get_case_for(session, principal, reference)
    tasks = session.execute(
        select(CallTask).where(CallTask.case_id == case.id).order_by(CallTask.created_at.desc())
    ).scalars()
    return case, list(tasks)


def list_open(session: Session, *, limit: int, offset: int) -> tuple[list[tuple[CallTask, str]], int]:
    """Every open task across cases, oldest first (the longest-waiting family first), with the case reference."""
    where = CallTask.done_at.is_(None)
    total = session.execute(select(func.count()).select_from(CallTask).where(where)).scalar_one()
    rows = session.execute(
        select(CallTask, Case.reference)
        .join(Case, Case.id == CallTask.case_id)
        .where(where)
        .order_by(CallTask.created_at, CallTask.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(task, reference) for task, reference in rows], int(total)


def complete(
    session: Session, *, principal: StaffPrincipal, reference: str, task_id: uuid.UUID, note: str
) -> tuple[Case, CallTask]:
    """The call was made: the family's portal stops saying "do not travel until we call you"."""
    case = get_case_for(session, principal, reference, for_update=True)
    task = session.get(CallTask, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound("No such call task on this case.")
    if task.done_at is not None:
        raise Conflict("The call was already recorded.", done_at=task.done_at.isoformat())
    now = utcnow()
    task.done_at, task.done_by_id, task.done_note = now, principal.user_id, note
    case.family_updated_at = now
    session.flush()
    details = {"task_id": str(task.id)}
    add_event(session, case, actor=principal.actor, kind="call_task_done", reason=note, details=details)
    record(
        session,
        actor=principal.actor,
        action="case.call_task_done",
        target_type="case",
        target_id=case.id,
        details={"task_id": task.id, "kind": task.kind, "note": note},
    )
    return case, task
