"""What staff do with portal access: (re)issue or revoke a requester's code, and see who can sign in and lockouts.

A re-issue goes through the inquiry domain's hand-off (`app.inquiries.handoff`), like every other code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor
from app.cases.models import Case
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


def _case(session: Session, reference: str) -> Case | None:
    """The case under exactly this reference (staff see merged cases as they are, not their survivor)."""
    canonical = access.normalize_reference(reference)
    if canonical is None:
        return None
    return session.execute(select(Case).where(Case.reference == canonical)).scalar_one_or_none()


def _case_and_inquiry(session: Session, reference: str, inquiry_id: uuid.UUID) -> tuple[Case, Inquiry]:
    case = _case(session, reference)
    inquiry = session.get(Inquiry, inquiry_id)
    if case is None or inquiry is None or inquiry.case_id != case.id:
        raise NotFound("No such inquiry on this case.")
    return case, inquiry


def reissue(session: Session, settings: Settings, *, reference: str, inquiry_id: uuid.UUID, actor: Actor) -> IssuedCode:
    case, inquiry = _case_and_inquiry(session, reference, inquiry_id)
    return hand_off_access_code(session, settings, case=case, inquiry=inquiry, actor=actor)


def revoke(session: Session, *, reference: str, inquiry_id: uuid.UUID, actor: Actor) -> None:
    case, inquiry = _case_and_inquiry(session, reference, inquiry_id)
    if not access.revoke_access_code(session, case=case, inquiry=inquiry, actor=actor):
        raise NotFound("This requester has no access code to revoke.")


def summary(session: Session, *, reference: str) -> PortalAccessSummary:
    case = _case(session, reference)
    if case is None:
        raise NotFound("No such case.")
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
    return PortalAccessSummary(
        reference=case.reference,
        requesters=requesters,
        lockouts=lockouts,
        locked_now=any(lockout.locked_until > now for lockout in lockouts),
    )
