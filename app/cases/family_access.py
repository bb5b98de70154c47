"""Portal access codes for requesters, issued through the portal domain (`app.portal.access`).

Every requester whose inquiry lands on a case (a new case or an existing one), and every requester moved to a new
case by a detach, gets a code of their own; it is returned once, in the response that created it, never stored in
clear, and emailed (through the job queue) when the requester consented to contact by email.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import Actor
from app.cases.models import Case, Inquiry
from app.portal.staff import IssuedCode, issue_and_notify


def issue_family_code(session: Session, *, case: Case, inquiry: Inquiry, actor: Actor) -> str:
    """A fresh portal access code for the requester of `inquiry` on `case`, in clear, to be shown once."""
    return issue_family_access(session, case=case, inquiry=inquiry, actor=actor).access_code


def issue_family_access(session: Session, *, case: Case, inquiry: Inquiry, actor: Actor) -> IssuedCode:
    """The same, with whether the code was also queued for email (the operator tells the caller so)."""
    return issue_and_notify(session, case=case, inquiry=inquiry, actor=actor)
