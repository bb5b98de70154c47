"""Who sees the registry's restricted fields: the one policy, read by the router and the response schemas."""

from __future__ import annotations

from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal


def sees_restricted(principal: StaffPrincipal) -> bool:
    """State of health, place of internment, prisoner number, burial place: `registry:read_restricted` only."""
    return principal.can(Permission.REGISTRY_READ_RESTRICTED)
