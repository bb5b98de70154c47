"""Telling families by email *that* something changed on their case, never *what*.

Each requester who agreed to be emailed gets a short message in their language: there is an update (a new message
from staff, a change of status, a travel plan ready, changed or cancelled), sign in or call us. The email never holds
an outcome, a place, a date of travel or the sought person's name: the portal, behind the disclosure gate, says the
rest. Emails go through the job queue (`app.notifications`) and are composed when sent, so a requester who withdrew
consent in between, or who has not yet been told of a death by a person, gets nothing (`app.portal.emails`).

`announce(...)` is called in the transaction that causes the update, naming its `occasion` (the message's id, the
status reached, the plan's revision): one email per requester and occasion, however often the cause is retried.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.inquiries.models import Inquiry
from app.notifications.service import queue_email

FAMILY_UPDATE = "family.update"


class UpdateKind(StrEnum):
    STAFF_MESSAGE = "staff_message"
    STATUS_CHANGED = "status_changed"
    TRAVEL_PLAN_SCHEDULED = "travel_plan_scheduled"
    TRAVEL_PLAN_CHANGED = "travel_plan_changed"
    TRAVEL_PLAN_CANCELLED = "travel_plan_cancelled"


GATED = frozenset(
    {
        UpdateKind.STATUS_CHANGED,
        UpdateKind.TRAVEL_PLAN_SCHEDULED,
        UpdateKind.TRAVEL_PLAN_CHANGED,
        UpdateKind.TRAVEL_PLAN_CANCELLED,
    }
)
"""Updates not sent to a requester who has not yet been told of a confirmed death by a person."""


def may_email(inquiry: Inquiry) -> bool:
    return bool(inquiry.consent_contact_email and inquiry.requester_email)


def announce(
    session: Session, *, case_id: uuid.UUID, kind: UpdateKind, occasion: str, inquiry_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Queue the update for each consenting requester of the case (or only `inquiry_id`); returns who was queued."""
    query = select(Inquiry).where(Inquiry.case_id == case_id)
    if inquiry_id is not None:
        query = query.where(Inquiry.id == inquiry_id)
    queued = []
    for inquiry in session.execute(query).scalars():
        if not may_email(inquiry):
            continue
        queue_email(
            session,
            FAMILY_UPDATE,
            {"inquiry_id": str(inquiry.id), "update": kind.value},
            dedupe_key=f"{FAMILY_UPDATE}:{inquiry.id}:{kind.value}:{occasion}"[:200],
        )
        queued.append(inquiry.id)
    return queued
