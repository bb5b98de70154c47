"""Inquiries: one contact from one requester, as they told it.

The inquiry domain owns this model; a case (`app.cases.models.Case`) is fed by one or more inquiries, which point to
it through `case_id`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.cases.models import Language, SoughtPerson
from app.db import Base, new_id, utcnow


class Inquiry(SoughtPerson, Base):
    """One contact from one requester, with the sought person's particulars as that requester knows them."""

    __tablename__ = "inquiry"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    """The operator who logged it; none for the public web form."""
    requester_name: Mapped[str] = mapped_column(String(200))
    requester_name_key: Mapped[str] = mapped_column(String(300), index=True)
    """`app.cases.text.search_key` of the requester's name."""
    requester_relationship: Mapped[str] = mapped_column(String(16))
    requester_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    """E.164."""
    requester_email: Mapped[str | None] = mapped_column(String(254), index=True)
    requester_language: Mapped[str] = mapped_column(String(2), default=Language.RU.value)
    requester_city: Mapped[str | None] = mapped_column(String(100))
    requester_country: Mapped[str | None] = mapped_column(String(2))
    """ISO 3166-1 alpha-2."""
    consent_store: Mapped[bool]
    consent_contact_email: Mapped[bool] = mapped_column(default=False)
    consent_contact_phone: Mapped[bool] = mapped_column(default=False)
    sought_last_contact_date: Mapped[date | None]
    sought_last_contact_place: Mapped[str | None] = mapped_column(String(200))
    sought_distinguishing_marks: Mapped[str | None] = mapped_column(Text)
    sought_notes: Mapped[str | None] = mapped_column(Text)
    message_subject: Mapped[str | None] = mapped_column(String(300))
    message_sender: Mapped[str | None] = mapped_column(String(300))
    message_body: Mapped[str | None] = mapped_column(Text)
    """For email and web: the original message, verbatim."""
    operator_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
