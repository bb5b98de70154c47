"""Handovers: the plan to hand a released captive or remains to the family, and everything recorded about it.

A handover's current route, date, window and escort team live on the `handover` row (so capacity and overlap
checks are plain indexed queries); every plan ever made is kept in `handover_schedule`, so rescheduling keeps
history. Travellers' identity documents are restricted fields: only HANDOVER_TRAVELLER_DOCUMENTS sees them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class HandoverType(StrEnum):
    RELEASE_TO_FAMILY = "release_to_family"
    REMAINS_REPATRIATION = "remains_repatriation"


class HandoverState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    IN_TRANSIT = "in_transit"
    AT_BORDER = "at_border"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


OPEN_STATES = frozenset(
    {
        HandoverState.REQUESTED,
        HandoverState.APPROVED,
        HandoverState.SCHEDULED,
        HandoverState.IN_TRANSIT,
        HandoverState.AT_BORDER,
    }
)
SLOT_STATES = frozenset(
    {HandoverState.SCHEDULED, HandoverState.IN_TRANSIT, HandoverState.AT_BORDER, HandoverState.COMPLETED}
)
"""States in which a handover holds a slot at its point and books its escort team."""
ROUTED_OPEN_STATES = frozenset({HandoverState.SCHEDULED, HandoverState.IN_TRANSIT, HandoverState.AT_BORDER})
"""Open handovers that have a route: the ones a crossing closure or an escort's absence can affect."""


class DocumentType(StrEnum):
    PASSPORT = "passport"
    """International passport."""
    NATIONAL_ID = "national_id"
    TRAVEL_DOCUMENT = "travel_document"
    OTHER = "other"


class Handover(Base):
    __tablename__ = "handover"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    type: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(12), default=HandoverState.REQUESTED.value, index=True)
    agreed_release_reference: Mapped[str | None] = mapped_column(String(120))
    """For a man still `in_captivity`: the reference of the agreed release this handover carries out."""
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    """The family's phone for the day of travel (E.164)."""
    documents_note: Mapped[str | None] = mapped_column(Text)
    """Extra documents to bring, added to the standard list in the travel instructions."""
    notes: Mapped[str | None] = mapped_column(Text)
    """Internal coordination notes; never shown to the family."""
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    approved_at: Mapped[datetime | None]
    approval_note: Mapped[str | None] = mapped_column(Text)

    hub_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transit_hub.id"))
    crossing_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("border_crossing.id"))
    point_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("handover_point.id"))
    escort_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("escort_team.id"))
    travel_date: Mapped[date | None]
    """The handover's date at the point (its time zone)."""
    window_starts_at: Mapped[datetime | None]
    window_ends_at: Mapped[datetime | None]
    """Arrival window at the handover point (UTC)."""
    escort_starts_at: Mapped[datetime | None]
    """When the escort meets the family at the crossing: the team is busy from here to `window_ends_at`."""
    schedule_revision: Mapped[int] = mapped_column(default=0)

    case_state_before: Mapped[str | None] = mapped_column(String(24))
    """The case's state before scheduling moved it to `handover_planned`; a cancellation returns it there."""
    needs_attention: Mapped[bool] = mapped_column(default=False, index=True)
    attention_reason: Mapped[str | None] = mapped_column(Text)
    flagged_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)
    """Why it was cancelled or failed."""
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_handover_point_id_travel_date", "point_id", "travel_date"),
        Index("ix_handover_crossing_id_travel_date", "crossing_id", "travel_date"),
        Index("ix_handover_escort_team_id_escort_starts_at", "escort_team_id", "escort_starts_at"),
    )


class FamilyTravelPlan(Base):
    """The plan of a handover as the family was shown it: published once it held (approved, scheduled, not flagged,
    crossing open that day), withdrawn when it stopped holding. A change to a published plan opens a call task."""

    __tablename__ = "family_travel_plan"

    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    revision: Mapped[int]
    """The handover's `schedule_revision` the family was shown."""
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class HandoverSchedule(Base):
    """One plan of a handover: every scheduling and rescheduling adds a row, the previous one is superseded."""

    __tablename__ = "handover_schedule"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), index=True)
    revision: Mapped[int]
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transit_hub.id"))
    crossing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("border_crossing.id"))
    point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover_point.id"))
    escort_team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("escort_team.id"))
    travel_date: Mapped[date]
    window_starts_at: Mapped[datetime]
    window_ends_at: Mapped[datetime]
    escort_starts_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    scheduled_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    scheduled_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]
    superseded_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("handover_id", "revision"),)


class Traveller(Base):
    """A family member who will come to the handover. Document fields are restricted."""

    __tablename__ = "handover_traveller"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    document_type: Mapped[str | None] = mapped_column(String(16))
    document_number: Mapped[str | None] = mapped_column(String(40))
    document_expires_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HandoverReceipt(Base):
    """Who received the person or remains, when, and from whom: recorded at completion."""

    __tablename__ = "handover_receipt"

    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), primary_key=True)
    received_by_name: Mapped[str] = mapped_column(String(200))
    received_by_relationship: Mapped[str] = mapped_column(String(16))
    received_by_traveller_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("handover_traveller.id"))
    received_at: Mapped[datetime]
    handed_over_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    witness_name: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PersonalEffect(Base):
    """One line of the inventory of personal effects handed over with remains (GC III Art. 122)."""

    __tablename__ = "handover_personal_effect"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(default=1)
    condition: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("handover_id", "position"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
    )


class FeedKind(StrEnum):
    ESCORT_TEAM = "escort_team"
    HANDOVER_POINT = "handover_point"


class CalendarFeed(Base):
    """An iCalendar subscription URL for one escort team or handover point.

    Calendar apps cannot send headers, so the secret is in the URL; only its SHA-256 is stored. Revoking a feed
    makes its URL answer 404 at once; a new feed gives a new URL.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))
    escort_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("escort_team.id"), index=True)
    point_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("handover_point.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))

    __table_args__ = (
        CheckConstraint(
            "(kind = 'escort_team' AND escort_team_id IS NOT NULL AND point_id IS NULL) OR "
            "(kind = 'handover_point' AND point_id IS NOT NULL AND escort_team_id IS NULL)",
            name="one_target",
        ),
    )
