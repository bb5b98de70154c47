"""Case, timeline, contact log, notes and outcome proposals.

The sought person's particulars are kept on every inquiry (`app.inquiries.models`) as the relative gave them, and
once on the case as the officers' working summary (seeded from the first inquiry).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class CaseState(StrEnum):
    OPEN = "open"
    SEARCHING = "searching"
    MATCH_PROPOSED = "match_proposed"
    IN_CAPTIVITY = "in_captivity"
    DECEASED = "deceased"
    RELEASED = "released"
    NOT_FOUND = "not_found"
    FAMILY_INFORMED = "family_informed"
    HANDOVER_PLANNED = "handover_planned"
    HANDOVER_DONE = "handover_done"
    CLOSED = "closed"


class Outcome(StrEnum):
    IN_CAPTIVITY = "in_captivity"
    DECEASED = "deceased"
    RELEASED = "released"
    NOT_FOUND = "not_found"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    WALK_IN = "walk_in"


class Relationship(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    SPOUSE = "spouse"
    PARTNER = "partner"
    SIBLING = "sibling"
    CHILD = "child"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


class Language(StrEnum):
    RU = "ru"
    UK = "uk"
    EN = "en"


class SoughtPerson:
    """Columns describing the sought person, shared by `Case` (working summary) and `Inquiry` (as told)."""

    sought_surname: Mapped[str | None] = mapped_column(String(100))
    sought_given_name: Mapped[str | None] = mapped_column(String(100))
    sought_patronymic: Mapped[str | None] = mapped_column(String(100))
    sought_date_of_birth: Mapped[str | None] = mapped_column(String(10))
    """Full or partial: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`."""
    sought_place_of_birth: Mapped[str | None] = mapped_column(String(200))
    sought_military_unit: Mapped[str | None] = mapped_column(String(100))
    sought_rank: Mapped[str | None] = mapped_column(String(100))
    sought_service_number: Mapped[str | None] = mapped_column(String(40))
    sought_name_key: Mapped[str | None] = mapped_column(String(300), index=True)
    """`app.cases.text.search_key` of surname, given name and patronymic: case-, accent- and script-folded."""


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Case(SoughtPerson, Base):
    __tablename__ = "case"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    """`PW-XXXX-XXXX`: Crockford base32 with a check character; read over the phone, not enumerable."""
    state: Mapped[str] = mapped_column(String(24), default=CaseState.OPEN.value, index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    """The confirmed outcome the family may see; a `deceased` proposal is not an outcome until confirmed."""
    outcome_confirmed_at: Mapped[datetime | None]
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    assigned_officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    first_response_due_at: Mapped[datetime | None] = mapped_column(index=True)
    first_responded_at: Mapped[datetime | None]
    next_review_at: Mapped[datetime | None] = mapped_column(index=True)
    needs_review: Mapped[bool] = mapped_column(default=False)
    """Set when something new (registry candidates, a crossing closure) asks an officer to look again."""
    review_reason: Mapped[str | None] = mapped_column(String(200))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"), index=True)
    """Set when a supervisor merged this case into another; its history stays here, its inquiries moved."""
    has_pending_proposal: Mapped[bool] = mapped_column(default=False, index=True)
    """True while an outcome proposal awaits its second signature (the `awaiting_confirmation` queue)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    family_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    """When something the family can see last changed (the portal's "last update")."""
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_case_sought_service_number", "sought_service_number"),)


class CaseEvent(Base):
    """The case timeline: every transition, assignment, attachment, proposal and decision."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    """A staff user id, `family:<reference>`, or `system`."""
    kind: Mapped[str] = mapped_column(String(40))
    """`opened`, `transitioned`, `outcome_proposed`, `outcome_confirmed`, `assigned`, `inquiry_attached`, ..."""
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutcomeProposal(Base):
    """A proposed change of outcome that needs a second person (recording or reverting `deceased`)."""

    __tablename__ = "outcome_proposal"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    """`record` (set the outcome) or `revert` (undo a confirmed one)."""
    outcome: Mapped[str | None] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    """`pending`, `confirmed`, `rejected`, `withdrawn`."""
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)


class ContactPurpose(StrEnum):
    """Why a contact was made. The disclosure gate (`app.cases.disclosure`) reads the two notification purposes."""

    GENERAL = "general"
    DEATH_NOTIFICATION = "death_notification"
    """A staff member told this requester of the death, by phone or in person (outbound, with the inquiry)."""
    NOTIFICATION_ATTEMPT = "notification_attempt"
    """A staff member tried to reach this requester to tell them and could not (outbound phone call)."""
    FAMILY_MESSAGE = "family_message"
    """A message written for the family, in their language, shown on their portal."""


class CaseContact(Base):
    """The contact log: every call, email or portal message to or from the family."""

    __tablename__ = "case_contact"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    inquiry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inquiry.id"), index=True)
    """Which requester, when known."""
    direction: Mapped[str] = mapped_column(String(8))
    """`inbound` (from the family) or `outbound` (to the family)."""
    channel: Mapped[str] = mapped_column(String(10))
    """`phone`, `email`, `portal`, `walk_in`, `letter`."""
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    visible_to_family: Mapped[bool] = mapped_column(default=False)
    """An outbound message the family reads on the portal, or the family's own portal message."""
    purpose: Mapped[str] = mapped_column(String(24), default=ContactPurpose.GENERAL.value, server_default="general")
    language: Mapped[str | None] = mapped_column(String(2))
    """The language a family message was written in (`ru`, `uk`, `en`)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeathDisclosureRelease(Base):
    """A supervisor's decision to let the portal tell a requester of a death nobody could tell them in person.

    Only after repeated logged attempts over several days (`PortalConfig.release_after_days`,
    `release_min_attempts`); the reason is kept here and in the audit trail.
    """

    __tablename__ = "death_disclosure_release"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    inquiry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inquiry.id"), unique=True)
    released_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    """How many logged attempts to reach the requester preceded the release."""


class CaseNameKey(Base):
    """Lookup-engine retrieval and frequency keys of a case's sought person, one row per key and source.

    Every spelling the case knows feeds the index: the officers' working summary (`inquiry_id` null) and each
    inquiry's particulars as its requester gave them, so a Latin spelling from one relative and a Cyrillic one from
    another both find the case. Rows move with their inquiry on attach, detach and merge.
    """

    __tablename__ = "case_name_key"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    inquiry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), ForeignKey("inquiry.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))

    __table_args__ = (Index("ix_case_name_key_key_case", "key", "case_id"),)


class CaseNote(Base):
    """Staff notes. `internal` notes never reach operators or families."""

    __tablename__ = "case_note"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"))
    visibility: Mapped[str] = mapped_column(String(10), default="internal")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


SOUGHT_FIELDS = (
    "sought_surname",
    "sought_given_name",
    "sought_patronymic",
    "sought_date_of_birth",
    "sought_place_of_birth",
    "sought_military_unit",
    "sought_rank",
    "sought_service_number",
)
"""The particulars shared by a case's working summary and an inquiry."""


class CallTaskKind(StrEnum):
    TRAVEL_PLAN_CHANGED = "travel_plan_changed"
    TRAVEL_PLAN_CANCELLED = "travel_plan_cancelled"


class CallTask(Base):
    """A call staff owe the family: the portal told them to wait for it ("Do not travel until we call you").

    Open until a member of staff records that the call was made (`done_at`); the case's queue and the supervisor's
    dashboard list the open ones.
    """

    __tablename__ = "call_task"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    handover_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("handover.id"))
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    """Why the call is needed, for staff (never shown to the family)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)
