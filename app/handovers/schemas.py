"""API schemas for handovers. Travellers' identity documents appear only in the `...WithDocuments` variants, which
the router chooses for principals holding HANDOVER_TRAVELLER_DOCUMENTS."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.cases.models import Relationship
from app.handovers.models import DocumentType, HandoverType
from app.i18n import LanguageCode
from app.reference.schemas import Phone

Reason = Annotated[str, Field(min_length=3, max_length=2000)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
PersonName = Annotated[str, Field(min_length=1, max_length=200)]
DocumentNumber = Annotated[str, Field(min_length=3, max_length=40, pattern=r"^[0-9A-Za-zА-Яа-яЁёІіЇїЄєҐґ \-/]+$")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# travellers


class TravellerIn(_Input):
    full_name: PersonName
    relationship: Relationship
    phone: Phone | None = None
    document_type: DocumentType | None = None
    document_number: DocumentNumber | None = None
    document_expires_on: date | None = None

    @property
    def has_documents(self) -> bool:
        return any(v is not None for v in (self.document_type, self.document_number, self.document_expires_on))


class TravellerUpdate(_Input):
    full_name: PersonName | None = None
    relationship: Relationship | None = None
    phone: Phone | None = None
    document_type: DocumentType | None = None
    document_number: DocumentNumber | None = None
    document_expires_on: date | None = None

    @property
    def has_documents(self) -> bool:
        return bool({"document_type", "document_number", "document_expires_on"} & self.model_fields_set)


class TravellerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    full_name: str
    relationship: str
    phone: str | None


class TravellerWithDocumentsOut(TravellerOut):
    document_type: str | None
    document_number: str | None
    document_expires_on: date | None


# handovers


class HandoverCreate(_Input):
    case_id: uuid.UUID
    type: HandoverType
    agreed_release_reference: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        default=None, description="Required when the man is still in captivity: the agreed release it carries out"
    )
    contact_phone: Phone | None = None
    documents_note: Text | None = None
    notes: Text | None = None
    travellers: Annotated[list[TravellerIn], Field(max_length=10)] = Field(default_factory=list)


class HandoverUpdate(_Input):
    contact_phone: Phone | None = None
    documents_note: Text | None = None
    notes: Text | None = None


class Ref(BaseModel):
    id: uuid.UUID
    code: str
    name: str


class CrossingRef(Ref):
    name_pl: str


class ScheduleOut(BaseModel):
    revision: int
    hub: Ref
    crossing: CrossingRef
    point: Ref
    escort_team: Ref
    travel_date: date
    time_zone: str = Field(description="The handover point's time zone; window times are local to it")
    window_start: datetime
    window_end: datetime
    escort_meets_at: datetime = Field(description="When the escort meets the family at the crossing")
    reason: str | None
    scheduled_by_id: uuid.UUID
    scheduled_at: datetime
    superseded_at: datetime | None
    superseded_reason: str | None


class HandoverSummaryOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    type: str
    state: str
    travel_date: date | None
    point_id: uuid.UUID | None
    crossing_id: uuid.UUID | None
    escort_team_id: uuid.UUID | None
    window_start: datetime | None
    window_end: datetime | None
    needs_attention: bool
    requested_at: datetime
    updated_at: datetime


class HandoverOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    type: str
    state: str
    agreed_release_reference: str | None
    contact_phone: str | None
    documents_note: str | None
    notes: str | None
    requested_by_id: uuid.UUID
    requested_at: datetime
    approved_by_id: uuid.UUID | None
    approved_at: datetime | None
    approval_note: str | None
    schedule: ScheduleOut | None
    needs_attention: bool
    attention_reason: str | None
    flagged_at: datetime | None
    closed_reason: str | None
    closed_at: datetime | None
    travellers: list[TravellerOut]
    created_at: datetime
    updated_at: datetime
    version: int


class HandoverWithDocumentsOut(HandoverOut):
    travellers: list[TravellerWithDocumentsOut]  # type: ignore[assignment]


# route planning and scheduling


class Problem(BaseModel):
    code: str = Field(description="Stable machine-readable reason, e.g. crossing_closed, point_full")
    detail: str


class RouteOption(BaseModel):
    feasible: bool
    reasons: list[Problem] = Field(description="Why the route cannot be used that day (empty when feasible)")
    warnings: list[Problem]
    hub: Ref
    crossing: CrossingRef
    point: Ref
    crossing_status: str | None
    crossing_status_note: str | None
    crossing_hours: str = Field(description="`around the clock` or `08:00-20:00`, local to the crossing")
    crossing_time_zone: str
    taxi_minutes: int
    clearance_minutes: int
    escort_minutes: int
    total_minutes: int
    depart_hub_from: datetime | None = Field(description="Earliest useful departure from the hub (hub local time)")
    depart_hub_until: datetime | None = Field(description="Latest departure to reach the crossing before it closes")
    arrival_window_start: datetime | None = Field(description="Earliest arrival at the handover point that day")
    arrival_window_end: datetime | None = Field(description="Latest arrival at the handover point that day")
    point_capacity: int
    point_booked: int
    point_free: int


class TeamAvailability(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    booked_windows: list[tuple[datetime, datetime]]


class RouteOptionsOut(BaseModel):
    handover_id: uuid.UUID
    date: date
    feasible: list[RouteOption]
    infeasible: list[RouteOption]
    escort_teams_available: list[TeamAvailability] = Field(
        description="Active teams whose calendar has them available that day, with the windows already booked"
    )


class ScheduleIn(_Input):
    crossing_id: uuid.UUID
    point_id: uuid.UUID
    escort_team_id: uuid.UUID
    travel_date: date
    window_start: time = Field(description="Arrival window at the point, local to the point's time zone")
    window_end: time
    reason: Reason | None = Field(default=None, description="Required when rescheduling")

    @model_validator(mode="after")
    def _window(self) -> ScheduleIn:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start on the same day")
        return self


# life cycle


class ApproveIn(_Input):
    note: Text | None = None


class StepIn(_Input):
    note: Text | None = None


class CloseIn(_Input):
    reason: Reason


class AcknowledgeIn(_Input):
    note: Text


class EffectIn(_Input):
    description: Annotated[str, Field(min_length=1, max_length=500)]
    quantity: Annotated[int, Field(ge=1, le=10_000)] = 1
    condition: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    notes: Text | None = None


class CompleteIn(_Input):
    received_by_traveller_id: uuid.UUID | None = Field(
        default=None, description="The traveller who received; or give received_by_name and relationship"
    )
    received_by_name: PersonName | None = None
    received_by_relationship: Relationship | None = None
    received_at: datetime | None = Field(default=None, description="Defaults to now; never in the future")
    handed_over_by_id: uuid.UUID | None = Field(default=None, description="The staff member; defaults to you")
    witness_name: PersonName | None = None
    notes: Text | None = None
    personal_effects: Annotated[list[EffectIn], Field(max_length=500)] | None = Field(
        default=None, description="Required for remains (an empty list when there were none): GC III Art. 122"
    )

    @model_validator(mode="after")
    def _receiver(self) -> CompleteIn:
        if self.received_by_traveller_id is None and (
            self.received_by_name is None or self.received_by_relationship is None
        ):
            raise ValueError("name who received: received_by_traveller_id, or received_by_name and relationship")
        if self.received_at is not None and self.received_at.tzinfo is None:
            raise ValueError("received_at needs a UTC offset")
        return self


class EffectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    description: str
    quantity: int
    condition: str | None
    notes: str | None


class ReceiptOut(BaseModel):
    handover_id: uuid.UUID
    received_by_name: str
    received_by_relationship: str
    received_by_traveller_id: uuid.UUID | None
    received_at: datetime
    handed_over_by_id: uuid.UUID
    witness_name: str | None
    notes: str | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime
    personal_effects: list[EffectOut]


# outputs


class CalendarFeedCreate(_Input):
    kind: Literal["escort_team", "handover_point"]
    escort_team_id: uuid.UUID | None = None
    point_id: uuid.UUID | None = None
    label: Annotated[str, Field(min_length=1, max_length=120)]

    @model_validator(mode="after")
    def _target(self) -> CalendarFeedCreate:
        if self.kind == "escort_team" and (self.escort_team_id is None or self.point_id is not None):
            raise ValueError("an escort_team feed needs escort_team_id (and no point_id)")
        if self.kind == "handover_point" and (self.point_id is None or self.escort_team_id is not None):
            raise ValueError("a handover_point feed needs point_id (and no escort_team_id)")
        return self


class CalendarFeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    escort_team_id: uuid.UUID | None
    point_id: uuid.UUID | None
    label: str
    created_by_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None


class CalendarFeedCreated(CalendarFeedOut):
    url: str = Field(description="The subscription URL; shown once. Anyone with it can read the feed until revoked.")


class Contact(BaseModel):
    label: str
    phone: str = Field(description="E.164, for `tel:` links")
    phone_display: str = Field(description="The number as people write it, e.g. +48 22 123 45 67")


class TravelInstructions(BaseModel):
    """What the family needs to travel, in their language. Family-safe: no escort's details, no other person's
    data, no internal notes; the handover point's location is not given (the escort brings them there)."""

    language: LanguageCode
    case_reference: str
    handover_type: str
    title: str
    intro: str
    state: str
    travel_date: date
    travel_date_label: str
    hub_name: str
    hub_time_zone: str
    crossing_name: str = Field(description="Both sides' names, e.g. `Brest – Terespol`")
    crossing_hours: str
    crossing_status: str | None = Field(
        description="`open`, `restricted` or `closed` on the travel date from the crossing's latest status record; "
        "null when no record covers the date (never assumed)"
    )
    crossing_status_label: str = Field(description="That status in words, with its source and when it was recorded")
    depart_hub_by: datetime
    depart_hub_by_label: str
    be_at_crossing_by: datetime
    be_at_crossing_by_label: str
    window_start: datetime
    window_end: datetime
    window_label: str
    meeting_place: str
    steps: list[str]
    documents: list[str]
    documents_note: str | None = Field(description="Extra documents the coordinator asked for, as written")
    crossing_notice: str | None = Field(description="The crossing's current restriction note, when restricted")
    contacts: list[Contact]
    labels: dict[str, str] = Field(description="Translated headings for a printable page")
