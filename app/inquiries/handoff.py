"""The access-code hand-off: every requester whose inquiry lands on a case gets a portal access code of their own.

One call for "this requester needs a code": the hotline intake, the portal's online form, a detach (the requester
moves to a new case) and an operator's re-issue all go through `hand_off_access_code`. The code is returned once, in
the response that created it, never stored in clear, and emailed (sealed, through the job queue) when the requester
consented to contact by email.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit import Actor
from app.cases.models import Case
from app.config import Settings
from app.db import settings_of
from app.family_access import service as access
from app.family_access.notify import queue_access_code_email
from app.inquiries.models import Inquiry


@dataclass(frozen=True, slots=True)
class IssuedCode:
    inquiry_id: uuid.UUID
    access_code: str
    generation: int
    issued_at: datetime
    email_queued: bool


def hand_off_access_code(
    session: Session, settings: Settings | None = None, *, case: Case, inquiry: Inquiry, actor: Actor
) -> IssuedCode:
    """Issue (or re-issue) the requester's code and email it when they consented to email contact.

    `settings` defaults to the ones the session carries (`app.db.settings_of`).
    """
    settings = settings or settings_of(session)
    code = access.issue_access_code(session, case=case, inquiry=inquiry, actor=actor)
    row = access.code_for_inquiry(session, inquiry.id)
    assert row is not None
    queued = queue_access_code_email(session, settings, inquiry=inquiry, code=code, generation=row.generation)
    return IssuedCode(inquiry.id, code, row.generation, row.issued_at, queued)
