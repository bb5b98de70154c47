"""Unsubscribing from portal emails without signing in: a link in every email carries a token for one requester.

The token is `<inquiry id>.<HMAC-SHA256 of it>` under a key derived from the signing key: unguessable, and it only
ever withdraws that requester's consent to email (`Inquiry.consent_contact_email`), which staff can restore when the
family asks. No cookie is involved, so a forged request gains nothing; RFC 8058 one-click unsubscribe posts to the
same address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from sqlalchemy.orm import Session

from app.audit import record, system_actor
from app.config import Settings
from app.inquiries.models import Inquiry


def _mac(settings: Settings, inquiry_id: uuid.UUID) -> str:
    key = hashlib.sha256(f"portal-unsubscribe:{settings.jwt_signing_key}".encode()).digest()
    digest = hmac.new(key, inquiry_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_for(settings: Settings, inquiry_id: uuid.UUID) -> str:
    return f"{inquiry_id.hex}.{_mac(settings, inquiry_id)}"


def inquiry_of(settings: Settings, token: str) -> uuid.UUID | None:
    """The requester the token was made for, or None for anything forged or mangled."""
    head, _, mac = token.strip().partition(".")
    try:
        inquiry_id = uuid.UUID(hex=head)
    except ValueError:
        return None
    return inquiry_id if hmac.compare_digest(mac, _mac(settings, inquiry_id)) else None


def link(settings: Settings, inquiry_id: uuid.UUID, language: str) -> str:
    """The page opens in the language of the email it came from."""
    base = settings.portal.base_url.rstrip("/")
    return f"{base}/portal/unsubscribe?lang={language}&token={token_for(settings, inquiry_id)}"


def unsubscribe(session: Session, settings: Settings, token: str) -> bool:
    """Withdraw the requester's consent to email; False when the token is not valid. Audited, idempotent."""
    inquiry_id = inquiry_of(settings, token)
    inquiry = session.get(Inquiry, inquiry_id) if inquiry_id else None
    if inquiry is None:
        return False
    if inquiry.consent_contact_email:
        inquiry.consent_contact_email = False
        session.flush()
        record(
            session,
            actor=system_actor(),
            action="portal.email_unsubscribed",
            target_type="case",
            target_id=inquiry.case_id,
            details={"inquiry_id": inquiry.id},
        )
    return True
