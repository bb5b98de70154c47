"""Job handlers of the registry domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.jobs import handler
from app.registry.imports import IMPORT_JOB, process_import


@handler(IMPORT_JOB)
def registry_import(session: Session, payload: dict[str, Any]) -> None:
    """Import an uploaded registry list, batch by batch (resumes after the last committed batch on retry)."""
    process_import(session, payload)
