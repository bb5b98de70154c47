from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int | None
    """None until the sealer links the event into the chain (within the configured bound)."""
    occurred_at: datetime
    actor: str
    actor_roles: list[str]
    action: str
    target_type: str | None
    target_id: str | None
    request_id: str | None
    client_ip: str | None
    details: dict[str, Any]
    prev_hash: str | None
    hash: str | None


class VerifyOut(BaseModel):
    ok: bool
    """The sealed chain verifies against its head and signed checkpoints, and no unsealed event is overdue."""
    events_checked: int
    """Sealed events recomputed."""
    first_bad_seq: int | None
    reason: str | None
    head_seq: int
    head_hash: str
    unsealed: int
    """Events inserted but not yet linked into the chain: the tail the hashes do not protect yet."""
    oldest_unsealed_at: datetime | None
    unsealed_overdue: bool
    """An unsealed event is older than the configured bound: no sealer is running, or it is failing."""
    checkpoints_checked: int
