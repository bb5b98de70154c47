"""Who sees and records travellers' identity documents: the one policy for handover documents.

Documents (type, number, expiry) are `handover:traveller_documents` only; every read of them is audited by the
services that show them.
"""

from __future__ import annotations

from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.errors import Forbidden


def sees_documents(principal: StaffPrincipal) -> bool:
    return principal.can(Permission.HANDOVER_TRAVELLER_DOCUMENTS)


def require_documents(principal: StaffPrincipal, has_documents: bool) -> None:
    """Refuse (403) a change that records identity documents by someone who may not see them."""
    if has_documents and not sees_documents(principal):
        raise Forbidden(f"Your role may not record identity documents ({Permission.HANDOVER_TRAVELLER_DOCUMENTS}).")
