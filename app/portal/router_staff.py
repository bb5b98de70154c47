"""Staff endpoints for portal access: re-issue or revoke a requester's code; see code status and lockouts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep, SettingsDep
from app.portal import staff
from app.portal.schemas import AccessCodeIssued, LockoutOut, PortalAccessOut, RequesterAccessOut

router = APIRouter(prefix="/api/v1/cases", tags=["portal access"])
Reference = Annotated[str, Path(min_length=1, max_length=32)]


@router.post(
    "/{reference}/inquiries/{inquiry_id}/access-code",
    response_model=AccessCodeIssued,
    status_code=status.HTTP_201_CREATED,
)
def reissue_access_code(
    reference: Reference,
    inquiry_id: uuid.UUID,
    principal: Annotated[StaffPrincipal, require(Permission.CASE_ACCESS_CODE)],
    session: SessionDep,
    settings: SettingsDep,
) -> AccessCodeIssued:
    """Issue a new portal access code for this requester; the previous one and its sessions stop working.

    The code is in this response only: read it out to the requester. It is also emailed when they consented.
    """
    issued = staff.reissue(session, settings, principal=principal, reference=reference, inquiry_id=inquiry_id)
    return AccessCodeIssued(
        inquiry_id=issued.inquiry_id,
        access_code=issued.access_code,
        generation=issued.generation,
        issued_at=issued.issued_at,
        email_queued=issued.email_queued,
    )


@router.delete("/{reference}/inquiries/{inquiry_id}/access-code", status_code=status.HTTP_204_NO_CONTENT)
def revoke_access_code(
    reference: Reference,
    inquiry_id: uuid.UUID,
    principal: Annotated[StaffPrincipal, require(Permission.CASE_ACCESS_CODE)],
    session: SessionDep,
) -> None:
    """Withdraw this requester's portal access (e.g. a lost phone); signed-in sessions end at once."""
    staff.revoke(session, principal=principal, reference=reference, inquiry_id=inquiry_id)


@router.get("/{reference}/portal-access", response_model=PortalAccessOut)
def portal_access(
    reference: Reference,
    principal: Annotated[StaffPrincipal, require(Permission.CASE_READ)],
    session: SessionDep,
) -> PortalAccessOut:
    """Each requester's code status and the recent sign-in lockouts on this case's reference."""
    result = staff.summary(session, principal=principal, reference=reference)
    return PortalAccessOut(
        reference=result.reference,
        locked_now=result.locked_now,
        requesters=[
            RequesterAccessOut(
                inquiry_id=r.inquiry_id,
                has_code=r.has_code,
                generation=r.generation,
                issued_at=r.issued_at,
                revoked_at=r.revoked_at,
                last_used_at=r.last_used_at,
                active_sessions=r.active_sessions,
            )
            for r in result.requesters
        ],
        lockouts=[
            LockoutOut(
                scope="address" if lo.scope == "address" else "reference",
                failures=lo.failures,
                started_at=lo.started_at,
                locked_until=lo.locked_until,
            )
            for lo in result.lockouts
        ],
    )
