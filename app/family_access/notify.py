"""Queue a requester's access code by email (sealed), when they consented; the portal composes the message.

The job's payload carries the code sealed (`app.notifications.sealing`); `app.portal.emails` registers the composer
that renders it in the requester's language when the worker sends it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.inquiries.models import Inquiry
from app.notifications.sealing import seal
from app.notifications.service import queue_email

ACCESS_CODE = "portal.access_code"


def may_email(inquiry: Inquiry) -> bool:
    return bool(inquiry.consent_contact_email and inquiry.requester_email)


def queue_access_code_email(
    session: Session, settings: Settings, *, inquiry: Inquiry, code: str, generation: int
) -> bool:
    """Queue the code for the requester if they agreed to be contacted by email. The code travels sealed."""
    if not may_email(inquiry):
        return False
    payload: dict[str, Any] = {
        "inquiry_id": str(inquiry.id),
        "generation": generation,
        "sealed_code": seal(settings, code),
    }
    return queue_email(session, ACCESS_CODE, payload, dedupe_key=f"{ACCESS_CODE}:{inquiry.id}:{generation}")
