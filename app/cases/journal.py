"""The contact log and staff notes of a case.

Appending a contact or a note does not overwrite anything, so it needs no `If-Match`: two operators logging calls
on one case at once must both succeed. The first outbound contact meets the first-response deadline.

Notes are `internal` (case officers and above only; never operators, never families) or `staff` (every member of
staff who sees the case).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.death_notice import check_notification_contact
from app.cases.models import Case, CaseContact, CaseNote, ContactPurpose
from app.cases.policies import get_case_for, visible_note_kinds
from app.cases.queries import case_family_ids
from app.cases.service import ensure_active
from app.cases.workflow import add_event
from app.db import utcnow
from app.errors import Unprocessable
from app.inquiries.models import Inquiry
from app.staff.models import StaffUser


class ContactDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    PORTAL = "portal"
    WALK_IN = "walk_in"
    LETTER = "letter"


class NoteVisibility(StrEnum):
    INTERNAL = "internal"
    STAFF = "staff"


def log_contact(
    session: Session,
    *,
    principal: StaffPrincipal,
    reference: str,
    direction: ContactDirection,
    channel: ContactChannel,
    occurred_at: datetime | None,
    summary: str,
    inquiry_id: uuid.UUID | None,
    visible_to_family: bool,
    purpose: ContactPurpose = ContactPurpose.GENERAL,
) -> CaseContact:
    first_outbound = direction is ContactDirection.OUTBOUND
    case = get_case_for(session, principal, reference, for_update=first_outbound)
    ensure_active(case)
    if visible_to_family and purpose is not ContactPurpose.DEATH_NOTIFICATION:
        raise Unprocessable.field(
            "#/visible_to_family",
            "Contact-log entries never show on the family's portal. Write to the family with a family message, in "
            "their language (POST /api/v1/cases/{reference}/family-messages).",
        )
    check_notification_contact(
        case,
        purpose=purpose,
        direction=direction.value,
        channel=channel.value,
        inquiry_id=inquiry_id,
        visible_to_family=visible_to_family,
    )
    if inquiry_id is not None:
        owner = session.execute(select(Inquiry.case_id).where(Inquiry.id == inquiry_id)).scalar_one_or_none()
        if owner != case.id:
            raise Unprocessable.field("#/inquiry_id", "not an inquiry of this case")
    now = utcnow()
    contact = CaseContact(
        case_id=case.id,
        inquiry_id=inquiry_id,
        direction=direction.value,
        channel=channel.value,
        occurred_at=occurred_at or now,
        summary=summary,
        staff_id=principal.user_id,
        visible_to_family=visible_to_family,
        purpose=purpose.value,
        created_at=now,
    )
    session.add(contact)
    if first_outbound and case.first_responded_at is None:
        case.first_responded_at = contact.occurred_at
    if visible_to_family or purpose is ContactPurpose.DEATH_NOTIFICATION:
        case.family_updated_at = now
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="contact_logged",
        details={
            "contact_id": str(contact.id),
            "direction": direction.value,
            "channel": channel.value,
            "purpose": purpose.value,
        },
    )
    record(
        session,
        actor=principal.actor,
        action="case.contact_logged",
        target_type="case",
        target_id=case.id,
        details={
            "contact_id": contact.id,
            "direction": direction.value,
            "channel": channel.value,
            "purpose": purpose.value,
            "summary": summary,
        },
    )
    return contact


def list_contacts(
    session: Session, *, principal: StaffPrincipal, reference: str, limit: int, offset: int
) -> tuple[list[tuple[CaseContact, str | None]], int]:
    """Newest first, including contacts of cases merged into this one; each with the staff member's name."""
    case = get_case_for(session, principal, reference)
    family = case_family_ids(session, case)
    where = CaseContact.case_id.in_(family)
    total = session.execute(select(func.count()).select_from(CaseContact).where(where)).scalar_one()
    rows = session.execute(
        select(CaseContact, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == CaseContact.staff_id)
        .where(where)
        .order_by(CaseContact.occurred_at.desc(), CaseContact.id)
        .limit(limit)
        .offset(offset)
    )
    record(session, actor=principal.actor, action="case.contacts_viewed", target_type="case", target_id=case.id)
    return [(contact, name) for contact, name in rows], int(total)


def add_note(
    session: Session, *, principal: StaffPrincipal, reference: str, body: str, visibility: NoteVisibility
) -> CaseNote:
    case = get_case_for(session, principal, reference)
    ensure_active(case)
    note = CaseNote(
        case_id=case.id, author_id=principal.user_id, visibility=visibility.value, body=body, created_at=utcnow()
    )
    session.add(note)
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="note_added",
        details={"note_id": str(note.id), "visibility": visibility.value},
    )
    record(
        session,
        actor=principal.actor,
        action="case.note_added",
        target_type="case",
        target_id=case.id,
        details={"note_id": note.id, "visibility": visibility.value, "summary": body},
    )
    return note


def list_notes(
    session: Session, *, principal: StaffPrincipal, reference: str, limit: int, offset: int
) -> tuple[list[tuple[CaseNote, str | None]], int]:
    """The notes the principal may read (operators: `staff` notes only), newest first; the read is audited."""
    case: Case = get_case_for(session, principal, reference)
    family = case_family_ids(session, case)
    where = CaseNote.case_id.in_(family) & CaseNote.visibility.in_(visible_note_kinds(principal))
    total = session.execute(select(func.count()).select_from(CaseNote).where(where)).scalar_one()
    rows = session.execute(
        select(CaseNote, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == CaseNote.author_id)
        .where(where)
        .order_by(CaseNote.created_at.desc(), CaseNote.id)
        .limit(limit)
        .offset(offset)
    )
    record(session, actor=principal.actor, action="case.notes_viewed", target_type="case", target_id=case.id)
    return [(note, name) for note, name in rows], int(total)
