"""Registry API schemas. The person schema is chosen per caller: restricted fields only with
`Permission.REGISTRY_READ_RESTRICTED` (families never reach these routes at all)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.auth.principals import StaffPrincipal
from app.matching import Interpretation
from app.registry.lookup import Candidate, explanation_json
from app.registry.models import RegistryImport, RegistryPerson
from app.registry.policies import sees_restricted


class LookupIn(BaseModel):
    """What is known of the sought person; any field may be left out. Names in any script, order or case form."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    surname: str | None = Field(default=None, max_length=100)
    given_name: str | None = Field(default=None, max_length=100)
    patronymic: str | None = Field(default=None, max_length=100)
    full_name: str | None = Field(
        default=None, max_length=300, description="Free text, e.g. `Иванова Сергея Петровича 1998`"
    )
    date_of_birth: str | None = Field(
        default=None,
        max_length=64,
        description="`YYYY-MM-DD`, `DD.MM.YYYY`, `YYYY-MM`, `YYYY`, or free text: `14 марта 1999`, `14.III.1999`, "
        "`1999 г.р.`, `March 14 1999`; an age written here (`23 года`) counts as `age`",
    )
    place_of_birth: str | None = Field(default=None, max_length=200)
    service_number: str | None = Field(default=None, max_length=40)
    military_unit: str | None = Field(default=None, max_length=100)
    age: int | None = Field(
        default=None, ge=0, le=120, description="Age instead of a date of birth; used when no date is given"
    )
    age_stated_on: date | None = Field(
        default=None, description="The date the age was stated (the inquiry's date); today when left out"
    )
    limit: int = Field(default=10, ge=1, le=50)

    def query_values(self) -> dict[str, Any]:
        return self.model_dump(exclude={"limit"})


class FieldExplanationOut(BaseModel):
    field: str
    verdict: str = Field(description="`exact`, `variant`, `similar`, `partial`, `mismatch` or `missing`")
    detail: str = Field(description="A sentence a case officer can read")
    weight: float = Field(description="Log-likelihood ratio: positive for, negative against, 0 neutral")


class CandidateSummary(BaseModel):
    """Who the candidate is, as his list records him (no restricted field)."""

    surname: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None
    confirmation_level: str


class CandidateOut(BaseModel):
    person_id: uuid.UUID
    source: str
    source_record_id: str
    status: str
    score: float = Field(ge=0, le=1)
    strength: str = Field(description="`strong`, `possible` or `weak`")
    explanation: list[FieldExplanationOut]
    summary: CandidateSummary

    @classmethod
    def fields_of(cls, candidate: Candidate) -> dict[str, Any]:
        person, match = candidate.person, candidate.match
        return {
            "person_id": person.public_id,
            "source": person.source,
            "source_record_id": person.source_record_id,
            "status": person.status,
            "score": round(match.score, 4),
            "strength": match.strength,
            "explanation": [FieldExplanationOut(**e) for e in explanation_json(match)],
            "summary": CandidateSummary(
                surname=person.surname,
                given_name=person.given_name,
                patronymic=person.patronymic,
                date_of_birth=person.date_of_birth,
                confirmation_level=person.confirmation_level,
            ),
        }

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateOut:
        return cls(**cls.fields_of(candidate))


class InterpretationOut(BaseModel):
    """How the inquiry was understood (its most likely reading), so an officer can check it."""

    surname: str | None
    given_name: str | None = Field(description="An initial is shown as written (`А.`)")
    patronymic: str | None
    date_of_birth: str | None = Field(description="`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as read")
    born_from: date | None = Field(description="With an age: the earliest birth date it allows")
    born_to: date | None = Field(description="With an age: the latest birth date it allows")
    age: int | None
    military_unit: str | None = Field(description="The unit's number when one could be read")
    service_number: str | None = Field(description="Normalized: upper case, Latin letters, no separators")
    reading: str = Field(description="How the names were assigned to fields, e.g. `full name: surname and initials`")
    other_readings: int = Field(description="Less likely readings that were scored as well")
    notes: list[str] = Field(
        description="What was read out of free text or undone (a date in words, an age, a "
        "unit, a keyboard-layout slip, look-alike letters, Baltic endings)"
    )

    @classmethod
    def of(cls, interpretation: Interpretation | None) -> InterpretationOut | None:
        if interpretation is None:
            return None
        values = asdict(interpretation)
        values["notes"] = list(interpretation.notes)
        return cls(**values)


class LookupOut(BaseModel):
    candidates: list[CandidateOut] = Field(description="Best first")
    interpretation: InterpretationOut | None = Field(
        default=None, description="How the inquiry was read; null when it names nobody"
    )


class RegistryPersonOut(BaseModel):
    """A registry person without restricted fields."""

    model_config = ConfigDict(from_attributes=True)

    person_id: uuid.UUID = Field(validation_alias="public_id")
    source: str
    source_record_id: str
    status: str
    confirmation_level: str
    surname: str | None
    given_name: str | None
    patronymic: str | None
    alternate_names: list[str] | None
    father_name: str | None
    date_of_birth: str | None
    place_of_birth: str | None
    rank: str | None
    service_number: str | None
    military_unit: str | None
    power_depended_on: str | None
    date_of_capture: str | None
    place_of_capture: str | None
    date_of_death: str | None
    place_of_death: str | None
    cause_of_death: str | None
    identification_method: str | None
    identification_confidence: str | None
    created_at: datetime
    updated_at: datetime


class RegistryPersonRestrictedOut(RegistryPersonOut):
    """Everything, including the restricted fields (case officers and above)."""

    state_of_health: str | None
    place_of_internment: str | None
    prisoner_number: str | None
    burial_place: str | None


def person_out(principal: StaffPrincipal, person: RegistryPerson) -> RegistryPersonOut:
    """The schema the caller's role allows: restricted fields only with REGISTRY_READ_RESTRICTED."""
    if sees_restricted(principal):
        return RegistryPersonRestrictedOut.model_validate(person)
    return RegistryPersonOut.model_validate(person)


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    size_bytes: int
    sha256: str
    status: str = Field(description="`queued`, `running`, `succeeded` or `failed`")
    progress: float = Field(ge=0, le=1, description="Share of the file processed")
    rows_processed: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors_stored: int = Field(description="Rejected rows itemized under /errors (capped at 10,000)")
    failure: str | None = Field(description="Why the whole file was refused, when it was")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: RegistryImport) -> ImportOut:
        done = job.status == "succeeded"
        progress = 1.0 if done else min(1.0, job.bytes_processed / job.size_bytes) if job.size_bytes else 0.0
        return cls.model_validate(
            {**{c: getattr(job, c) for c in cls.model_fields if c != "progress"}, "progress": progress}
        )


class ImportErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: int = Field(description="Row in the file as a spreadsheet numbers it (the header is row 1)")
    column: str | None
    reason: str
