"""Call tasks: calls staff owe a family (for now: a travel plan the family was shown changed or was cancelled).

Per case for whoever works it; across cases, oldest first, for the supervisor's dashboard. Recording the call
closes the task and the family's portal stops saying "Do not travel until we call you".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases import call_tasks
from app.cases.fields import Reason
from app.cases.models import CallTask
from app.deps import SessionDep
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1", tags=["cases"])

Reader = Annotated[StaffPrincipal, require(P.CASE_READ)]
Caller = Annotated[StaffPrincipal, require(P.CASE_CALL_TASK)]
Dashboard = Annotated[StaffPrincipal, require(P.REPORTS_READ)]
Ref = Annotated[str, Path(max_length=40, description="Case reference, e.g. PW-7K4M-Q9XR-5, typed any way")]
NOT_FOUND: dict[int | str, dict[str, str]] = {404: {"description": "No such case or task, or not in your scope"}}


class CallTaskOut(BaseModel):
    id: uuid.UUID
    case_reference: str
    handover_id: uuid.UUID | None
    kind: str
    reason: str
    created_at: datetime
    done_at: datetime | None
    done_by_id: uuid.UUID | None
    done_note: str | None

    @classmethod
    def of(cls, task: CallTask, reference: str) -> CallTaskOut:
        return cls(
            id=task.id,
            case_reference=reference,
            handover_id=task.handover_id,
            kind=task.kind,
            reason=task.reason,
            created_at=task.created_at,
            done_at=task.done_at,
            done_by_id=task.done_by_id,
            done_note=task.done_note,
        )


class CallDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: Reason


@router.get("/cases/{reference}/call-tasks", response_model=list[CallTaskOut], responses=NOT_FOUND)
def case_call_tasks(reference: Ref, principal: Reader, session: SessionDep) -> list[CallTaskOut]:
    """The case's call tasks, newest first; open ones have no `done_at`."""
    case, tasks = call_tasks.list_for_case(session, principal=principal, reference=reference)
    return [CallTaskOut.of(task, case.reference) for task in tasks]


@router.post(
    "/cases/{reference}/call-tasks/{task_id}/done",
    response_model=CallTaskOut,
    responses={**NOT_FOUND, 409: {"description": "The call was already recorded"}},
)
def record_call(
    reference: Ref, task_id: uuid.UUID, body: CallDoneIn, principal: Caller, session: SessionDep
) -> CallTaskOut:
    """The family was called: say what they were told. Their portal shows the current plan again (if one holds)."""
    case, task = call_tasks.complete(session, principal=principal, reference=reference, task_id=task_id, note=body.note)
    return CallTaskOut.of(task, case.reference)


@router.get("/call-tasks", response_model=Page[CallTaskOut])
def open_call_tasks(principal: Dashboard, session: SessionDep, page: PageDep) -> Page[CallTaskOut]:
    """Every open call task across cases, the longest-waiting family first (the supervisor's dashboard)."""
    rows, total = call_tasks.list_open(session, limit=page.limit, offset=page.offset)
    return Page(
        items=[CallTaskOut.of(task, ref) for task, ref in rows], total=total, limit=page.limit, offset=page.offset
    )
