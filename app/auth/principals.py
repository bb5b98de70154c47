"""Who is making a request: a member of staff or a family signed in to one case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.audit import Actor
from app.auth.permissions import Permission


@dataclass(frozen=True, slots=True)
class StaffPrincipal:
    user_id: uuid.UUID
    username: str
    roles: tuple[str, ...]
    permissions: frozenset[Permission]
    session_id: uuid.UUID

    @property
    def actor(self) -> Actor:
        return Actor(str(self.user_id), self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class FamilyPrincipal:
    """A family signed in with a case reference and access code; sees only that one case."""

    case_id: uuid.UUID
    case_reference: str
    access_code_id: uuid.UUID

    @property
    def actor(self) -> Actor:
        return Actor(f"family:{self.case_reference}", ("family",))
