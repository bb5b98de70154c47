"""Secrets that must wait in the job queue (an access code to email) are kept there encrypted, never in clear.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from the signing key; a sealed value expires after
`MAX_AGE`, so a message stuck in the queue for a week no longer carries a usable secret.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from app.config import Settings

MAX_AGE_SECONDS = 7 * 24 * 3600


class SealError(Exception):
    """The sealed value is forged, from another key, or too old."""


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(f"notifications-seal:{settings.jwt_signing_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(settings: Settings, value: str) -> str:
    return _fernet(settings).encrypt(value.encode()).decode()


def unseal(settings: Settings, token: str) -> str:
    try:
        return _fernet(settings).decrypt(token.encode(), ttl=MAX_AGE_SECONDS).decode()
    except InvalidToken as exc:
        raise SealError("sealed value not readable") from exc
