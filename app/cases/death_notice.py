"""Telling each requester of a death: the contacts that unlock the news, and the supervisor's release.

Staff log a `death_notification` contact once they have told a requester (outbound, by phone or in person, with
that requester's inquiry), or a `notification_attempt` when they could not reach them. If nobody could reach a
requester for `release_after_days` after at least `release_min_attempts` attempts, a supervisor may release the
news to that requester's portal with a reason (audited). `app.cases.disclosure` turns these records into what each
channel may say.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.disclosure import Disclosure, death_confirmed, disclosure_for
from app.cases.family_updates import UpdateKind, announce
from app.cases.models import Case, ContactPurpose, DeathDisclosureRelease
from app.cases.policies import get_case_for
from app.cases.workflow import add_event
from app.config import PortalConfig
from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.inquiries.models import Inquiry

NOTIFICATION_PURPOSES = frozenset({ContactPurpose.DEATH_NOTIFICATION, ContactPurpose.NOTIFICATION_ATTEMPT})


def check_notification_contact(
    case: Case,
    *,
    purpose: ContactPurpose,
    direction: str,
    channel: str,
    inquiry_id: uuid.UUID | None,
    visible_to_family: bool,
) -> None:
    """Refuse a notification contact that could not have told (or tried to tell) one requester in person."""
    if purpose not in NOTIFICATION_PURPOSES:
        return
    errors = []
    if not death_confirmed(case):
        raise Conflict("There is no confirmed death on this case to tell the family of.", outcome=case.outcome)
    if direction != "outbound":
        errors.append({"pointer": "#/direction", "detail": "A notification is a call or visit by staff: outbound."})
    if channel not in ("phone", "walk_in"):
        errors.append({"pointer": "#/channel", "detail": "Only a phone call or a visit in person."})
    if inquiry_id is None:
        errors.append({"pointer": "#/inquiry_id", "detail": "Say which requester was told (their inquiry)."})
    if visible_to_family:
        errors.append({"pointer": "#/visible_to_family", "detail": "Notes of a notification are never shown."})
    if errors:
        raise Unprocessable("The notification contact is not valid.", errors=errors)


@dataclass(frozen=True, slots=True)
class RequesterDisclosure:
    inquiry_id: uuid.UUID
    requester_name: str
    relationship: str
    disclosure: Disclosure
    release_possible_from: datetime | None
    """When a supervisor may release the news (None: not applicable or not enough attempts yet)."""


def _release_possible_from(portal: PortalConfig, disclosure: Disclosure) -> datetime | None:
    if not disclosure.withheld or len(disclosure.attempts) < portal.release_min_attempts:
        return None
    return disclosure.attempts[0] + timedelta(days=portal.release_after_days)


def _inquiries(session: Session, case: Case) -> list[Inquiry]:
    return list(
        session.execute(select(Inquiry).where(Inquiry.case_id == case.id).order_by(Inquiry.received_at)).scalars()
    )


def overview(
    session: Session, *, principal: StaffPrincipal, portal: PortalConfig, reference: str
) -> tuple[Case, list[RequesterDisclosure]]:
    """Per requester: told, released or still waiting for a person; and when a release becomes possible."""
    case = get_case_for(session, principal, reference)
    rows = []
    for inquiry in _inquiries(session, case):
        disclosure = disclosure_for(session, case, inquiry.id)
        rows.append(
            RequesterDisclosure(
                inquiry_id=inquiry.id,
                requester_name=inquiry.requester_name,
                relationship=inquiry.requester_relationship,
                disclosure=disclosure,
                release_possible_from=_release_possible_from(portal, disclosure),
            )
        )
    return case, rows


def release_death_news(
    session: Session,
    *,
    principal: StaffPrincipal,
    portal: PortalConfig,
    reference: str,
    inquiry_id: uuid.UUID,
    reason: str,
) -> DeathDisclosureRelease:
    """Let the portal tell this requester of the death: nobody could reach them despite repeated attempts."""
    case = get_case_for(session, principal, reference, for_update=True)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.case_id != case.id:
        raise Unprocessable.field("#/inquiry_id", "not an inquiry of this case")
    disclosure = disclosure_for(session, case, inquiry_id)
    if not disclosure.death_confirmed:
        raise Conflict("There is no confirmed death on this case.", outcome=case.outcome)
    if not disclosure.withheld:
        raise Conflict("This requester has already been told, or the news was already released to them.")
    possible_from = _release_possible_from(portal, disclosure)
    now = utcnow()
    if possible_from is None or possible_from > now:
        raise Conflict(
            f"Keep trying to reach them in person: a release needs {portal.release_min_attempts} logged attempts "
            f"over at least {portal.release_after_days} days.",
            attempts=len(disclosure.attempts),
            possible_from=possible_from.isoformat() if possible_from else None,
        )
    release = DeathDisclosureRelease(
        case_id=case.id,
        inquiry_id=inquiry_id,
        released_by_id=principal.user_id,
        released_at=now,
        reason=reason,
        attempts=len(disclosure.attempts),
    )
    session.add(release)
    case.family_updated_at = now
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="death_news_released",
        reason=reason,
        details={"inquiry_id": str(inquiry_id), "attempts": len(disclosure.attempts)},
    )
    record(
        session,
        actor=principal.actor,
        action="case.death_news_released",
        target_type="case",
        target_id=case.id,
        details={"inquiry_id": inquiry_id, "attempts": len(disclosure.attempts), "reason": reason},
    )
    announce(
        session,
        case_id=case.id,
        kind=UpdateKind.STATUS_CHANGED,
        occasion=f"release:{release.id}",
        inquiry_id=inquiry_id,
    )
    return release
