"""Which family messages staff have read: one "read up to" mark per case.

A family's portal message is an inbound `portal` contact on the case. It is unread while it is newer than the
case's mark; a member of staff who has read the messages sets the mark (audited), so the case page and the
supervisor's dashboard agree on what is still waiting.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, and_, exists, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case, CaseContact
from app.cases.policies import get_case_for
from app.db import Base, utcnow


class FamilyMessagesRead(Base):
    __tablename__ = "family_messages_read"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime]
    read_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))


def _is_family_message() -> ColumnElement[bool]:
    return and_(CaseContact.direction == "inbound", CaseContact.channel == "portal")


def unread_condition() -> ColumnElement[bool]:
    """A WHERE clause over `Case`: the case has a family message newer than its read mark."""
    mark = select(FamilyMessagesRead.read_at).where(FamilyMessagesRead.case_id == Case.id).scalar_subquery()
    return exists(
        select(CaseContact.id).where(
            CaseContact.case_id == Case.id,
            _is_family_message(),
            or_(mark.is_(None), CaseContact.occurred_at > mark),
        )
    )


def read_mark(session: Session, case_id: uuid.UUID) -> datetime | None:
    row = session.get(FamilyMessagesRead, case_id)
    return row.read_at if row is not None else None


def unread_count(session: Session, case_id: uuid.UUID) -> int:
    mark = read_mark(session, case_id)
    query = select(func.count()).select_from(CaseContact).where(CaseContact.case_id == case_id, _is_family_message())
    if mark is not None:
        query = query.where(CaseContact.occurred_at > mark)
    return int(session.execute(query).scalar_one())


def mark_read(session: Session, *, principal: StaffPrincipal, reference: str) -> None:
    """Everything the family wrote until now has been read (by `principal`)."""
    case = get_case_for(session, principal, reference)
    now = utcnow()
    row = session.get(FamilyMessagesRead, case.id)
    if row is None:
        session.add(FamilyMessagesRead(case_id=case.id, read_at=now, read_by_id=principal.user_id))
    else:
        row.read_at, row.read_by_id = now, principal.user_id
    session.flush()
    record(session, actor=principal.actor, action="case.family_messages_read", target_type="case", target_id=case.id)
