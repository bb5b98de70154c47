"""A double-submitted console form creates nothing twice: the form's hidden key goes through the API's idempotency
store (`app.idempotency.service`), fingerprinted on the nested document the form posted."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principals import StaffPrincipal
from app.idempotency import service as idempotency
from app.idempotency.service import StoredResponse


def claim_form(
    session: Session, *, principal: StaffPrincipal, key: str, path: str, document: dict[str, Any]
) -> StoredResponse | uuid.UUID | None:
    """The stored response of an earlier submit with this key, the claim to complete after this one, or None when
    the form carried no key."""
    if not key:
        return None
    body = json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    return idempotency.claim(
        session,
        principal=str(principal.user_id),
        key=key,
        request_hash=idempotency.fingerprint("POST", path, body),
        method="POST",
        path=path,
    )
