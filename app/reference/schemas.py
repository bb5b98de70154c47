"""API schemas for reference data. Inputs forbid unknown fields; responses list their fields explicitly."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.reference.models import CrossingState

CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$"


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not a known IANA time zone, e.g. Europe/Warsaw") from exc
    return value


def e164(value: str) -> str:
    """Normalize a phone number given with its country code to E.164."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("give the number with its country code, e.g. +48 22 123 45 67") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


TimeZoneName = Annotated[str, Field(min_length=3, max_length=64), AfterValidator(_zone)]
Phone = Annotated[str, Field(min_length=5, max_length=32), AfterValidator(e164)]
Code = Annotated[str, Field(pattern=CODE_PATTERN, description="Lower-case slug, e.g. `brest-terespol`")]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
Note = Annotated[str, Field(min_length=1, max_length=2000)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# transit hubs


class HubCreate(_Input):
    code: Code
    name_ru: Name
    name_uk: Name
    name_en: Name
    country: Country
    time_zone: TimeZoneName


class HubUpdate(_Input):
    name_ru: Name | None = None
    name_uk: Name | None = None
    name_en: Name | None = None
    country: Country | None = None
    time_zone: TimeZoneName | None = None


class HubOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name_ru: str
    name_uk: str
    name_en: str
    country: str
    time_zone: str
    created_at: datetime
    updated_at: datetime
    version: int


# border crossings


def _hours_together(opens_at: time | None, closes_at: time | None) -> None:
    if (opens_at is None) != (closes_at is None):
        raise ValueError("give both opens_at and closes_at, or neither for a crossing open around the clock")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ValueError("closes_at must be after opens_at (hours crossing midnight are not supported)")


class CrossingCreate(_Input):
    code: Code
    hub_id: uuid.UUID
    name_ru: Name
    name_uk: Name
    name_en: Name
    name_pl: Name
    taxi_minutes: Minutes
    clearance_minutes: Minutes = 120
    opens_at: time | None = None
    closes_at: time | None = None
    time_zone: TimeZoneName = "Europe/Warsaw"
    notes: Note | None = None

    @model_validator(mode="after")
    def _hours(self) -> CrossingCreate:
        _hours_together(self.opens_at, self.closes_at)
        return self


class CrossingUpdate(_Input):
    hub_id: uuid.UUID | None = None
    name_ru: Name | None = None
    name_uk: Name | None = None
    name_en: Name | None = None
    name_pl: Name | None = None
    taxi_minutes: Minutes | None = None
    clearance_minutes: Minutes | None = None
    open_around_the_clock: bool | None = Field(default=None, description="true clears the opening hours")
    opens_at: time | None = None
    closes_at: time | None = None
    time_zone: TimeZoneName | None = None
    notes: Note | None = None

    @model_validator(mode="after")
    def _hours(self) -> CrossingUpdate:
        if self.open_around_the_clock and (self.opens_at or self.closes_at):
            raise ValueError("open_around_the_clock excludes opening hours")
        if self.opens_at is not None or self.closes_at is not None:
            _hours_together(self.opens_at, self.closes_at)
        return self


class CrossingStatusCreate(_Input):
    state: CrossingState
    valid_from: date
    valid_until: date | None = Field(default=None, description="Inclusive; empty for an open-ended entry")
    note: Note | None = None
    source: str | None = Field(
        default=None, max_length=200, description="Where this status comes from; shown to families with their plan"
    )

    @model_validator(mode="after")
    def _range(self) -> CrossingStatusCreate:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")
        return self


class CrossingStatusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    crossing_id: uuid.UUID
    state: str
    valid_from: date
    valid_until: date | None
    note: str | None
    source: str | None
    recorded_by: str
    recorded_at: datetime


class StatusChangeOut(BaseModel):
    status: CrossingStatusOut
    affected_handovers: list[uuid.UUID] = Field(description="Scheduled handovers flagged for attention")


class CrossingOut(BaseModel):
    id: uuid.UUID
    code: str
    hub_id: uuid.UUID
    hub_code: str
    name_ru: str
    name_uk: str
    name_en: str
    name_pl: str
    taxi_minutes: int
    clearance_minutes: int
    opens_at: time | None
    closes_at: time | None
    time_zone: str
    notes: str | None
    status_today: str | None = Field(description="open, restricted, closed, or null when no status covers today")
    status_note: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# handover points


class PointCrossingIn(_Input):
    crossing_id: uuid.UUID
    escort_minutes: Minutes


class PointCreate(_Input):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Note | None = None
    time_zone: TimeZoneName = "Europe/Warsaw"
    daily_capacity: Annotated[int, Field(ge=0, le=500)]
    duty_phone: Phone
    is_active: bool = True
    is_demo: bool = False
    crossings: Annotated[list[PointCrossingIn], Field(max_length=50)] = Field(default_factory=list)


class PointUpdate(_Input):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: Note | None = None
    time_zone: TimeZoneName | None = None
    daily_capacity: Annotated[int, Field(ge=0, le=500)] | None = None
    duty_phone: Phone | None = None
    is_active: bool | None = None
    crossings: Annotated[list[PointCrossingIn], Field(max_length=50)] | None = Field(
        default=None, description="Replaces the crossings leading to this point"
    )


class CapacityUpdate(_Input):
    daily_capacity: Annotated[int, Field(ge=0, le=500)]


class PointCrossingOut(BaseModel):
    crossing_id: uuid.UUID
    crossing_code: str
    escort_minutes: int


class PointOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    description: str | None
    time_zone: str
    daily_capacity: int
    duty_phone: str
    is_active: bool
    is_demo: bool
    crossings: list[PointCrossingOut]
    created_at: datetime
    updated_at: datetime
    version: int


class DeactivationOut(BaseModel):
    affected_handovers: list[uuid.UUID]


# escort teams


class MemberIn(_Input):
    user_id: uuid.UUID
    role: Literal["lead", "member"] = "member"


class TeamCreate(_Input):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    notes: Note | None = None
    is_active: bool = True
    is_demo: bool = False
    members: Annotated[list[MemberIn], Field(max_length=30)] = Field(default_factory=list)


class TeamUpdate(_Input):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    notes: Note | None = None
    is_active: bool | None = None
    members: Annotated[list[MemberIn], Field(max_length=30)] | None = Field(
        default=None, description="Replaces the team's members"
    )


class MemberOut(BaseModel):
    user_id: uuid.UUID
    username: str
    full_name: str
    role: str


class TeamOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    notes: str | None
    is_active: bool
    is_demo: bool
    members: list[MemberOut]
    created_at: datetime
    updated_at: datetime
    version: int


class AvailabilityCreate(_Input):
    available: bool
    starts_on: date
    ends_on: date
    note: Note | None = None

    @model_validator(mode="after")
    def _range(self) -> AvailabilityCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        if (self.ends_on - self.starts_on).days > 366:
            raise ValueError("one entry covers at most a year")
        return self


class AvailabilityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    team_id: uuid.UUID
    available: bool
    starts_on: date
    ends_on: date
    note: str | None
    recorded_by: str
    recorded_at: datetime


class AvailabilityChangeOut(BaseModel):
    entry: AvailabilityOut
    affected_handovers: list[uuid.UUID] = Field(description="Scheduled handovers flagged for attention")
