from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    actor: str
    actor_roles: list[str]
    action: str
    target_type: str | None
    target_id: str | None
    request_id: str | None
    client_ip: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class VerifyOut(BaseModel):
    ok: bool
    events_checked: int
    first_bad_seq: int | None
    reason: str | None
