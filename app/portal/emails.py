"""Emails the portal sends to families who consented to email: the access code (queued by
`app.family_access.notify`), and updates that never carry news (queued by `app.cases.family_updates`).

Every email carries the anti-fraud notice and an unsubscribe link that works without signing in.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.cases.disclosure import disclosure_for
from app.cases.family_updates import FAMILY_UPDATE, GATED, UpdateKind
from app.cases.models import Case
from app.config import Settings
from app.db import settings_of
from app.family_access.notify import ACCESS_CODE, may_email
from app.family_access.service import code_for_inquiry, current_case
from app.handovers import family_plan
from app.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from app.inquiries.models import Inquiry
from app.notifications.sealing import SealError, unseal
from app.notifications.service import OutgoingEmail, register_composer
from app.portal import unsubscribe
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
    settings = settings_of(session)
    if case is None:
        return None
    try:
        code = unseal(settings, str(payload["sealed_code"]))
    except SealError:
        return None
    language = inquiry.requester_language if inquiry.requester_language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
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
        unsubscribe_url=unsubscribe.link(settings, inquiry.id, language),
    )
    subject = translate(language, N_("Your access to the family portal"))
    return OutgoingEmail(
        to=inquiry.requester_email,
        subject=subject,
        body=body,
        language=language,
        headers=unsubscribe_headers(settings, inquiry.id, language),
    )


UPDATE_SUBJECTS = {
    UpdateKind.STAFF_MESSAGE: N_("New message about your case"),
    UpdateKind.STATUS_CHANGED: N_("Update on your case"),
    UpdateKind.TRAVEL_PLAN_SCHEDULED: N_("Your travel plan"),
    UpdateKind.TRAVEL_PLAN_CHANGED: N_("Your travel plan has changed"),
    UpdateKind.TRAVEL_PLAN_CANCELLED: N_("Your travel plan has changed"),
}
UPDATE_LINES = {
    UpdateKind.STAFF_MESSAGE: N_("A staff member has written to you on the family portal."),
    UpdateKind.STATUS_CHANGED: N_("There is an update on your case on the family portal."),
    UpdateKind.TRAVEL_PLAN_SCHEDULED: N_("Your travel instructions are ready on the family portal."),
    UpdateKind.TRAVEL_PLAN_CHANGED: N_("Your travel plan has changed. Do not travel until we call you."),
    UpdateKind.TRAVEL_PLAN_CANCELLED: N_("Your travel plan has changed. Do not travel until we call you."),
}


def _still_true(session: Session, case: Case, inquiry: Inquiry, kind: UpdateKind) -> bool:
    """At send time: the disclosure gate lets the update through, and a ready plan is still shown."""
    if kind in GATED and disclosure_for(session, case, inquiry.id).withheld:
        return False  # a person tells them first; until then no email hints at news
    if kind is UpdateKind.TRAVEL_PLAN_SCHEDULED:
        return family_plan.for_family(session, case.id).handover is not None
    return True


@register_composer(FAMILY_UPDATE)
def compose_update(session: Session, payload: dict[str, Any]) -> OutgoingEmail | None:
    """ "Something changed, sign in or call": never the outcome, a place, a travel date or the sought person's name."""
    inquiry = session.get(Inquiry, uuid.UUID(str(payload["inquiry_id"])))
    settings = settings_of(session)
    if inquiry is None or not may_email(inquiry) or inquiry.requester_email is None:
        return None
    case = current_case(session, inquiry.case_id)
    try:
        kind = UpdateKind(str(payload["update"]))
    except ValueError:
        return None
    if case is None or not _still_true(session, case, inquiry, kind):
        return None
    language = inquiry.requester_language if inquiry.requester_language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    portal = settings.portal
    body = render(
        "portal/email/update.txt",
        language,
        name=inquiry.requester_name,
        line=translate(language, UPDATE_LINES[kind]),
        reference=case.reference,
        portal_url=portal.base_url.rstrip("/") + "/portal",
        contact_phone=portal.contact_phone,
        contact_hours=portal.contact_hours,
        unsubscribe_url=unsubscribe.link(settings, inquiry.id, language),
    )
    return OutgoingEmail(
        to=inquiry.requester_email,
        subject=translate(language, UPDATE_SUBJECTS[kind]),
        body=body,
        language=language,
        headers=unsubscribe_headers(settings, inquiry.id, language),
    )


def unsubscribe_headers(settings: Settings, inquiry_id: uuid.UUID, language: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: mail clients offer their own one-click "unsubscribe" button."""
    return {
        "List-Unsubscribe": f"<{unsubscribe.link(settings, inquiry_id, language)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
