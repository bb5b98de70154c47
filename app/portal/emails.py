"""Emails the portal sends to families: for now, the access code (queued by `app.family_access.notify`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.family_access.notify import ACCESS_CODE, may_email
from app.family_access.service import code_for_inquiry, current_case
from app.inquiries.models import Inquiry
from app.notifications.sealing import SealError, unseal
from app.notifications.service import OutgoingEmail, register_composer
from app.portal.rendering import render, translate
from app.portal.texts import N_


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
