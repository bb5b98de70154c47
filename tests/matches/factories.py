"""Cases for match tests, made directly in the database (the case engineer's API is tested elsewhere)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.cases.models import Case
from app.cases.service import unique_reference
from app.transaction import unit_of_work


def make_case(
    factory: sessionmaker[Session], *, state: str = "searching", assigned_to: str | None = None, **sought: Any
) -> str:
    """A case with the given sought particulars (`surname=...` sets `sought_surname`); returns its reference."""
    with unit_of_work(factory) as session:
        case = Case(
            reference=unique_reference(session),
            state=state,
            assigned_officer_id=uuid.UUID(assigned_to) if assigned_to else None,
            **{f"sought_{name}": value for name, value in sought.items()},
        )
        session.add(case)
        session.flush()
        return case.reference


def load_case(factory: sessionmaker[Session], reference: str) -> Case:
    with unit_of_work(factory) as session:
        case = session.query(Case).filter_by(reference=reference).one()
        session.expunge(case)
        return case
