"""Emails the portal sends to families: for now, the access code (when the requester consented to email)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.cases.models import Inquiry
from app.config import Settings
from app.notifications.sealing import SealError, seal, unseal
from app.notifications.service import OutgoingEmail, queue_email, register_composer
from app.portal.access import code_for_inquiry, current_case
from app.portal.rendering import render, translate
from app.portal.texts import N_

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


@register_composer(ACCESS_CODE)
def compose_access_code(session: Session, payload: dict[str, Any]) -> OutgoingEmail | None:
    inquiry = session.get(Inquiry, uuid.UUID(str(payload["inquiry_id"])))
    if inquiry is None or not may_email(inquiry) or inquiry.requester_email is None:
        return None
    row = code_for_inquiry(session, inquiry.id)
    if row is None or row.code_hash is None or row.generation != int(payload["generation"]):
        return None  # re-issued or revoked since: this code no longer works
    case = current_case(session, inquiry.case_id)
    settings = session.info.get("settings")
    if case is None or settings is None:
        return None
    try:
        code = unseal(settings, str(payload["sealed_code"]))
    except SealError:
        return None
    language = inquiry.requester_language if inquiry.requester_language in ("ru", "uk", "en") else "ru"
    portal = settings.portal
    body = render(
        "portal/email/access_code.txt",
        language,
        name=inquiry.requester_name,
        reference=case.reference,
        code=code,
        portal_url=portal.base_url.rstrip("/") + "/portal",
        contact_phone=portal.contact_phone,
        contact_email=portal.contact_email,
    )
    subject = translate(language, N_("Your access to the family portal"))
    return OutgoingEmail(to=inquiry.requester_email, subject=subject, body=body, language=language)
