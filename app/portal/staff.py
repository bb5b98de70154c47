"""What staff do with portal access: (re)issue or revoke a requester's code, and see who can sign in and lockouts.

`issue_and_notify` is the one call for "this requester needs a code": the case service calls it when an inquiry
opens or joins a case; operators call it through the re-issue endpoint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor
from app.cases.models import Case, Inquiry
from app.config import Settings, get_settings
from app.db import utcnow
from app.errors import NotFound
from app.portal import access, throttle
from app.portal.emails import queue_access_code_email
from app.portal.models import PortalAccessCode, PortalLockout, PortalSession


@dataclass(frozen=True, slots=True)
class IssuedCode:
    inquiry_id: uuid.UUID
    access_code: str
    generation: int
    issued_at: datetime
    email_queued: bool


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


def issue_and_notify(
    session: Session, settings: Settings | None = None, *, case: Case, inquiry: Inquiry, actor: Actor
) -> IssuedCode:
    """Issue (or re-issue) the requester's code and email it when they consented to email contact.

    `settings` defaults to the ones the session carries (`session.info["settings"]`, set by the session factory).
    """
    settings = settings or _settings_of(session)
    code = access.issue_access_code(session, case=case, inquiry=inquiry, actor=actor)
    row = access.code_for_inquiry(session, inquiry.id)
    assert row is not None
    queued = queue_access_code_email(session, settings, inquiry=inquiry, code=code, generation=row.generation)
    return IssuedCode(inquiry.id, code, row.generation, row.issued_at, queued)


def _settings_of(session: Session) -> Settings:
    settings = session.info.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


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
    return issue_and_notify(session, settings, case=case, inquiry=inquiry, actor=actor)


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
