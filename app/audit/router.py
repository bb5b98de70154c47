from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import chain
from app.audit.queries import search_events
from app.audit.schemas import AuditEventOut, VerifyOut
from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep
from app.errors import Unprocessable
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/events", response_model=Page[AuditEventOut])
def list_events(
    principal: Annotated[StaffPrincipal, require(Permission.AUDIT_READ)],
    session: SessionDep,
    page: PageDep,
    target_type: Annotated[str | None, Query(max_length=40)] = None,
    target_id: Annotated[str | None, Query(max_length=80)] = None,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(max_length=80, description="Exact action, or a prefix ending in '.'")] = None,
    since: Annotated[datetime | None, Query(description="Inclusive, ISO-8601 with offset")] = None,
    until: Annotated[datetime | None, Query(description="Exclusive, ISO-8601 with offset")] = None,
) -> Page[AuditEventOut]:
    """Audit events, newest first."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Unprocessable(
                "Timestamps need a UTC offset.", errors=[{"parameter": name, "detail": "add a UTC offset, e.g. Z"}]
            )
    events, total = search_events(
        session,
        target_type=target_type,
        target_id=target_id,
        actor=actor,
        action=action,
        since=since,
        until=until,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(
        items=[AuditEventOut.model_validate(e) for e in events], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/verify", response_model=VerifyOut)
def verify_chain(
    principal: Annotated[StaffPrincipal, require(Permission.AUDIT_VERIFY)], session: SessionDep
) -> VerifyOut:
    """Recompute the sealed hash chain, check it against its head and signed checkpoints, and report the first
    event that does not verify and the unsealed tail (events not yet linked; older than the bound is an alarm)."""
    return VerifyOut(**chain.verify(session).as_dict())
