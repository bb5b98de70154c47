"""What staff do with portal access: (re)issue or revoke a requester's code, and see who can sign in and lockouts.

A re-issue goes through the inquiry domain's hand-off (`app.inquiries.handoff`), like every other code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case
from app.cases.policies import get_case_for
from app.config import Settings
from app.db import utcnow
from app.errors import NotFound
from app.family_access import service as access
from app.family_access.models import PortalAccessCode
from app.inquiries.handoff import IssuedCode, hand_off_access_code
from app.inquiries.models import Inquiry
from app.portal import throttle
from app.portal.models import PortalLockout, PortalSession


@dataclass(frozen=True, slots=True)
class RequesterAccess:
    inquiry_id: uuid.UUID
    has_code: bool
    generation: int | None
    issued_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    active_sessions: int


@dataclass(frozen=True, slots=True)
class PortalAccessSummary:
    reference: str
    requesters: list[RequesterAccess]
    lockouts: list[PortalLockout]
    locked_now: bool


def _case_and_inquiry(
    session: Session, principal: StaffPrincipal, reference: str, inquiry_id: uuid.UUID
) -> tuple[Case, Inquiry]:
    """The case through the one scoped lookup (out of scope is 404, as everywhere), then its inquiry.

    A family's code opens the family's view of the case: whoever may not see the case may not hand out its key.
    Staff see merged cases as they are, not their survivor.
    """
    case = get_case_for(session, principal, reference)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.case_id != case.id:
        raise NotFound("No such inquiry on this case.")
    return case, inquiry


def reissue(
    session: Session, settings: Settings, *, principal: StaffPrincipal, reference: str, inquiry_id: uuid.UUID
) -> IssuedCode:
    case, inquiry = _case_and_inquiry(session, principal, reference, inquiry_id)
    return hand_off_access_code(session, settings, case=case, inquiry=inquiry, actor=principal.actor)


def revoke(session: Session, *, principal: StaffPrincipal, reference: str, inquiry_id: uuid.UUID) -> None:
    case, inquiry = _case_and_inquiry(session, principal, reference, inquiry_id)
    if not access.revoke_access_code(session, case=case, inquiry=inquiry, actor=principal.actor):
        raise NotFound("This requester has no access code to revoke.")


def summary(session: Session, *, principal: StaffPrincipal, reference: str) -> PortalAccessSummary:
    """Who can sign in to the case's family view, and its recent lockouts; a read of personal data, audited."""
    case = get_case_for(session, principal, reference)
    now = utcnow()
    inquiries = session.execute(
        select(Inquiry.id).where(Inquiry.case_id == case.id).order_by(Inquiry.received_at, Inquiry.id)
    ).scalars()
    requesters = []
    for inquiry_id in inquiries:
        row = session.execute(
            select(PortalAccessCode).where(PortalAccessCode.inquiry_id == inquiry_id)
        ).scalar_one_or_none()
        active = 0
        if row is not None:
            active = session.execute(
                select(func.count()).where(
                    PortalSession.access_code_id == row.id,
                    PortalSession.ended_at.is_(None),
                    PortalSession.expires_at > now,
                    PortalSession.code_generation == row.generation,
                )
            ).scalar_one()
        requesters.append(
            RequesterAccess(
                inquiry_id=inquiry_id,
                has_code=row is not None and row.code_hash is not None,
                generation=row.generation if row else None,
                issued_at=row.issued_at if row else None,
                revoked_at=row.revoked_at if row else None,
                last_used_at=row.last_used_at if row else None,
                active_sessions=int(active),
            )
        )
    lockouts = throttle.recent_lockouts(session, case.id)
    record(
        session,
        actor=principal.actor,
        action="case.portal_access_viewed",
        target_type="case",
        target_id=case.id,
        details={"requesters": len(requesters)},
    )
    return PortalAccessSummary(
        reference=case.reference,
        requesters=requesters,
        lockouts=lockouts,
        locked_now=any(lockout.locked_until > now for lockout in lockouts),
    )
