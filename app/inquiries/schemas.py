"""Inquiry API schemas. Inputs are strict: unknown fields refused, every string capped, dates never in the future."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated

from babel import Locale
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator, model_validator

from app.cases.duplicates import DuplicateCandidate
from app.cases.fields import LongText, PastDate, PastDatetime, Place, ShortText
from app.cases.models import Channel, Language, Relationship
from app.cases.schemas import SoughtPatch, StaffRef, display_name, staff_ref
from app.inquiries.models import Inquiry

Strict = ConfigDict(extra="forbid")
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from the CLDR data Babel ships)."""
    codes = (str(k) for k in Locale("en").territories)
    return frozenset(k for k in codes if len(k) == 2 and k.isalpha() and k not in _NOT_COUNTRIES)


class RequesterIn(BaseModel):
    model_config = Strict

    full_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    relationship: Relationship
    phone: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=40)] = Field(
        default=None, description="Any common format; stored in E.164. Without +country the default region applies"
    )
    email: EmailStr | None = Field(default=None, max_length=254)
    language: Language = Language.RU
    city: ShortText = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. RU", max_length=2)

    @field_validator("phone", mode="before")
    @classmethod
    def _blank_phone(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("email", mode="before")
    @classmethod
    def _blank_email(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper() or None
            if value is not None and value not in country_codes():
                raise ValueError("not an ISO 3166-1 alpha-2 country code")
        return value


class ConsentIn(BaseModel):
    model_config = Strict

    store: bool = Field(description="Consent to store the data: required, an inquiry cannot be kept without it")
    contact_email: bool = False
    contact_phone: bool = False

    @field_validator("store")
    @classmethod
    def _store_required(cls, value: bool) -> bool:
        if not value:
            raise ValueError("consent to store the data is required to log an inquiry")
        return value


# The identity fields come from the case's `SoughtPatch`, so intake and case edits validate them alike.
class SoughtPersonIn(SoughtPatch):
    """The sought person as the requester knows him; every field optional, but some identity is required."""

    model_config = Strict

    last_contact_date: PastDate | None = None
    last_contact_place: Place = None
    distinguishing_marks: LongText = None
    notes: LongText = None


class SoughtIdentityIn(SoughtPersonIn):
    """A sought person named well enough to look for: a surname, a given name or a service number."""

    @model_validator(mode="after")
    def _identity(self) -> SoughtIdentityIn:
        if not (self.surname or self.given_name or self.service_number):
            raise ValueError("give at least a surname, a given name or a service number")
        return self


class MessageIn(BaseModel):
    """The original email or web message, kept verbatim."""

    model_config = Strict

    subject: Annotated[str | None, StringConstraints(max_length=300)] = None
    sender: Annotated[str | None, StringConstraints(max_length=300)] = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


class InquiryCreate(BaseModel):
    model_config = Strict

    channel: Channel
    received_at: PastDatetime | None = Field(default=None, description="When the call or message came in; default now")
    requester: RequesterIn
    consent: ConsentIn
    sought: SoughtIdentityIn
    message: MessageIn | None = Field(default=None, description="Required for `email` and `web`")
    operator_notes: LongText = None
    case_reference: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=40)] = Field(
        default=None, description="Attach to this existing case instead of opening a new one"
    )


class DuplicateCheckIn(BaseModel):
    model_config = Strict

    sought: SoughtPersonIn


# --- outputs ----------------------------------------------------------------------------------------------------


class DuplicateReasonOut(BaseModel):
    code: str = Field(description="`same_service_number`, `same_name_and_birth_date` or `similar_name`")
    detail: str


class DuplicateOut(BaseModel):
    reference: str
    state: str
    sought_name: str | None
    sought_date_of_birth: str | None
    reasons: list[DuplicateReasonOut]
    score: float
    strength: str
    inquiry_count: int
    created_at: datetime

    @classmethod
    def of(cls, c: DuplicateCandidate) -> DuplicateOut:
        return cls(
            reference=c.case.reference,
            state=c.case.state,
            sought_name=display_name(c.case),
            sought_date_of_birth=c.case.sought_date_of_birth,
            reasons=[DuplicateReasonOut(code=r.code.value, detail=r.detail) for r in c.reasons],
            score=c.score,
            strength=c.strength,
            inquiry_count=c.inquiry_count,
            created_at=c.case.created_at,
        )


class DuplicateCheckOut(BaseModel):
    duplicates: list[DuplicateOut]


class RequesterOut(BaseModel):
    full_name: str
    relationship: str
    phone: str | None
    email: str | None
    language: str
    city: str | None
    country: str | None


class ConsentOut(BaseModel):
    store: bool
    contact_email: bool
    contact_phone: bool


class SoughtPersonOut(BaseModel):
    surname: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None
    place_of_birth: str | None
    military_unit: str | None
    rank: str | None
    service_number: str | None
    last_contact_date: date | None
    last_contact_place: str | None
    distinguishing_marks: str | None
    notes: str | None


class MessageOut(BaseModel):
    subject: str | None
    sender: str | None
    body: str


class InquiryOut(BaseModel):
    id: uuid.UUID
    case_reference: str
    channel: str
    received_at: datetime
    recorded_by: StaffRef | None
    requester: RequesterOut
    consent: ConsentOut
    sought: SoughtPersonOut
    message: MessageOut | None
    operator_notes: str | None
    created_at: datetime

    @classmethod
    def of(cls, i: Inquiry, case_reference: str, recorder_name: str | None = None) -> InquiryOut:
        return cls(
            id=i.id,
            case_reference=case_reference,
            channel=i.channel,
            received_at=i.received_at,
            recorded_by=staff_ref(i.recorded_by_id, recorder_name),
            requester=RequesterOut(
                full_name=i.requester_name,
                relationship=i.requester_relationship,
                phone=i.requester_phone,
                email=i.requester_email,
                language=i.requester_language,
                city=i.requester_city,
                country=i.requester_country,
            ),
            consent=ConsentOut(
                store=i.consent_store, contact_email=i.consent_contact_email, contact_phone=i.consent_contact_phone
            ),
            sought=SoughtPersonOut(
                surname=i.sought_surname,
                given_name=i.sought_given_name,
                patronymic=i.sought_patronymic,
                date_of_birth=i.sought_date_of_birth,
                place_of_birth=i.sought_place_of_birth,
                military_unit=i.sought_military_unit,
                rank=i.sought_rank,
                service_number=i.sought_service_number,
                last_contact_date=i.sought_last_contact_date,
                last_contact_place=i.sought_last_contact_place,
                distinguishing_marks=i.sought_distinguishing_marks,
                notes=i.sought_notes,
            ),
            message=MessageOut(subject=i.message_subject, sender=i.message_sender, body=i.message_body)
            if i.message_body is not None
            else None,
            operator_notes=i.operator_notes,
            created_at=i.created_at,
        )


class InquiryCreatedOut(BaseModel):
    inquiry: InquiryOut
    case_reference: str
    case_opened: bool = Field(description="True when this inquiry opened a new case")
    access_code: str = Field(
        description="The requester's portal access code, shown only in this response: read it out or send it now"
    )
    duplicates: list[DuplicateOut] = Field(description="Other open cases that probably concern the same person")


class InquirySummaryOut(BaseModel):
    id: uuid.UUID
    case_reference: str
    case_state: str
    channel: str
    received_at: datetime
    requester_name: str
    relationship: str
    phone: str | None
    email: str | None
    sought_name: str | None
    sought_date_of_birth: str | None

    @classmethod
    def of(cls, i: Inquiry, case_reference: str, case_state: str) -> InquirySummaryOut:
        return cls(
            id=i.id,
            case_reference=case_reference,
            case_state=case_state,
            channel=i.channel,
            received_at=i.received_at,
            requester_name=i.requester_name,
            relationship=i.requester_relationship,
            phone=i.requester_phone,
            email=i.requester_email,
            sought_name=display_name(i),
            sought_date_of_birth=i.sought_date_of_birth,
        )
