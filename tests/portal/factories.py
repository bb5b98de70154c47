"""Cases and inquiries for portal tests, written straight through the models (the portal only reads them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit import system_actor
from app.cases.models import Case, CaseContact
from app.cases.references import generate_reference
from app.family_access import service as access
from app.inquiries.models import Inquiry


def make_case(session: Session, *, state: str = "searching", outcome: str | None = None, **values: Any) -> Case:
    now = datetime.now(UTC)
    case = Case(
        reference=generate_reference(),
        state=state,
        outcome=outcome,
        outcome_confirmed_at=now if outcome else None,
        sought_surname="Petrov",
        sought_given_name="Ivan",
        **values,
    )
    session.add(case)
    session.flush()
    return case


def make_inquiry(session: Session, case: Case, **values: Any) -> Inquiry:
    defaults: dict[str, Any] = {
        "channel": "phone",
        "received_at": datetime.now(UTC),
        "requester_name": "Maria Petrova",
        "requester_name_key": "maria petrova",
        "requester_relationship": "mother",
        "requester_phone": "+79991234567",
        "requester_email": "maria@example.org",
        "requester_language": "ru",
        "consent_store": True,
        "sought_surname": "Petrov",
        "sought_given_name": "Ivan",
    }
    defaults.update(values)
    inquiry = Inquiry(case_id=case.id, **defaults)
    session.add(inquiry)
    session.flush()
    return inquiry


def make_family(session: Session, *, state: str = "searching", outcome: str | None = None, **inquiry: Any):
    """A case with one requester and a live access code: returns (case, inquiry, code)."""
    case = make_case(session, state=state, outcome=outcome)
    req = make_inquiry(session, case, **inquiry)
    code = access.issue_access_code(session, case=case, inquiry=req, actor=system_actor())
    return case, req, code


def add_contact(session: Session, case: Case, **values: Any) -> CaseContact:
    defaults: dict[str, Any] = {
        "direction": "outbound",
        "channel": "portal",
        "summary": "Hello",
        "visible_to_family": True,
        "purpose": "family_message",
        "language": "ru",
    }
    defaults.update(values)
    contact = CaseContact(case_id=case.id, **defaults)
    session.add(contact)
    session.flush()
    return contact
