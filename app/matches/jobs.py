"""Job handlers of the matches domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.jobs import handler
from app.matches.research import research_open_cases

RESEARCH_JOB = "matches.research"


@handler(RESEARCH_JOB)
def research(session: Session, payload: dict[str, Any]) -> None:
    """After a registry import: search open cases again and flag those with new candidates."""
    research_open_cases(session, import_id=payload.get("import_id"))
