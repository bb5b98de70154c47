"""API shapes for the portal: staff-side access management and the family JSON API.

Family responses list only family-safe fields: no internal notes, no other requester's data, no restricted registry
fields. Inputs forbid unknown fields and cap every length.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.handovers.schemas import TravelInstructions
from app.i18n import LanguageCode

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AccessCodeIssued(BaseModel):
    """The new code, shown this once: read it out to the requester. The old one no longer works."""

    inquiry_id: uuid.UUID
    access_code: str
    generation: int
    issued_at: datetime
    email_queued: bool = Field(description="True when the code is also on its way by email (requester consented).")


class RequesterAccessOut(BaseModel):
    inquiry_id: uuid.UUID
    has_code: bool
    generation: int | None
    issued_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    active_sessions: int


class LockoutOut(BaseModel):
    scope: Literal["reference", "address"]
    failures: int
    started_at: datetime
    locked_until: datetime


class PortalAccessOut(BaseModel):
    """Portal access for a case: each requester's code status and recent sign-in lockouts."""

    reference: str
    locked_now: bool
    requesters: list[RequesterAccessOut]
    lockouts: list[LockoutOut]


# --- family JSON API ---------------------------------------------------------------------------------------------


class FamilySignIn(BaseModel):
    model_config = STRICT

    reference: str = Field(min_length=1, max_length=32)
    access_code: str = Field(min_length=1, max_length=64)
    language: LanguageCode | None = None


class FamilyTokenOut(BaseModel):
    token_type: Literal["bearer"] = "bearer"
    access_token: str
    expires_in: int


class ContactChannels(BaseModel):
    phone: str
    email: str
    hours: str


class FamilyMessageOut(BaseModel):
    occurred_at: datetime
    from_family: bool
    text: str


class FamilyStatusOut(BaseModel):
    """The family's view of its case, with every sentence already in the requested language."""

    reference: str
    language: LanguageCode
    status: str = Field(description="Stable key: received, searching, in_captivity, released, deceased, not_found, ...")
    headline: str
    explanation: list[str]
    next_steps: list[str]
    deceased: bool
    staff_called_at: datetime | None
    last_updated_at: datetime
    sought_person: str | None
    contacts: ContactChannels
    messages: list[FamilyMessageOut]
    travel_instructions: TravelInstructions | None = Field(
        description="Only while the plan holds (approved, scheduled, not flagged, crossing open that day): where and "
        "when to travel, documents, whom to call."
    )
    time_zone: str = Field(description="The zone the family's times are shown in, e.g. Europe/Kyiv")
    travel_notice: list[str] | None = Field(
        description='When a plan the family was shown changed or was cancelled: "Your travel plan has changed. Do '
        'not travel until we call you." Shown until staff record the call; no instructions meanwhile.'
    )


class FamilyMessageIn(BaseModel):
    model_config = STRICT

    text: str = Field(min_length=1, max_length=4000)


class FamilyMessageAccepted(BaseModel):
    occurred_at: datetime
    text: str


class OnlineInquiryIn(BaseModel):
    """The online inquiry form as JSON (the same fields as the HTML form)."""

    model_config = STRICT

    requester_name: str = Field(min_length=2, max_length=200)
    requester_relationship: Literal[
        "mother", "father", "spouse", "partner", "sibling", "child", "other_relative", "other"
    ]
    requester_email: EmailStr | None = None
    requester_phone: str | None = Field(default=None, max_length=32)
    requester_city: str | None = Field(default=None, max_length=100)
    requester_country: str | None = Field(default=None, min_length=2, max_length=2)
    requester_language: LanguageCode = "ru"
    consent_store: bool
    consent_contact_email: bool = False
    consent_contact_phone: bool = False
    sought_surname: str = Field(min_length=1, max_length=100)
    sought_given_name: str | None = Field(default=None, max_length=100)
    sought_patronymic: str | None = Field(default=None, max_length=100)
    sought_date_of_birth: str | None = Field(default=None, max_length=10)
    sought_place_of_birth: str | None = Field(default=None, max_length=200)
    sought_military_unit: str | None = Field(default=None, max_length=100)
    sought_rank: str | None = Field(default=None, max_length=100)
    sought_service_number: str | None = Field(default=None, max_length=40)
    sought_last_contact_date: str | None = Field(default=None, max_length=10)
    sought_last_contact_place: str | None = Field(default=None, max_length=200)
    sought_distinguishing_marks: str | None = Field(default=None, max_length=2000)
    message: str | None = Field(default=None, max_length=4000)
    website: str | None = Field(default=None, max_length=200, description="Leave empty (spam trap).")


class OnlineInquiryCreated(BaseModel):
    """Shown once: the family keeps the reference and the code to sign in."""

    reference: str
    access_code: str
