"""Case match schemas. A match shows the registry person's identity, never his restricted fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.matches.models import CaseMatch
from app.registry.models import RegistryPerson
from app.registry.schemas import CandidateOut, CandidateSummary, FieldExplanationOut, LookupIn


class CaseLookupIn(LookupIn):
    """Run the lookup for a case. Leave every field out to search with what the case and its inquiries hold; give
    fields to search with corrected particulars instead."""

    def override_values(self) -> dict[str, str | None] | None:
        values = self.query_values()
        return values if any(values.values()) else None


class CaseCandidateOut(CandidateOut):
    match_id: uuid.UUID | None = Field(description="The case's match for this person, when there is one")
    match_status: str | None = Field(description="`proposed`, `confirmed` or `rejected`")


class CaseLookupOut(BaseModel):
    candidates: list[CaseCandidateOut] = Field(description="Best first; rejected persons are left out")
    proposed: int = Field(description="New proposals this lookup created")


class MatchProposeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID


class MatchConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=2000)


class MatchRejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class MatchOut(BaseModel):
    id: uuid.UUID
    status: str = Field(description="`proposed`, `confirmed` or `rejected`")
    origin: str = Field(description="`lookup`, `research` (after a registry import) or `manual`")
    person_id: uuid.UUID
    source: str
    source_record_id: str
    person_status: str
    score: float
    strength: str
    explanation: list[FieldExplanationOut]
    summary: CandidateSummary
    proposed_by: str
    proposed_at: datetime
    decided_by_id: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None
    version: int

    @classmethod
    def of(cls, match: CaseMatch, person: RegistryPerson) -> MatchOut:
        return cls(
            id=match.id,
            status=match.status,
            origin=match.origin,
            person_id=person.public_id,
            source=person.source,
            source_record_id=person.source_record_id,
            person_status=person.status,
            score=round(match.score, 4),
            strength=match.strength,
            explanation=[FieldExplanationOut(**e) for e in match.explanation],
            summary=CandidateSummary(
                surname=person.surname,
                given_name=person.given_name,
                patronymic=person.patronymic,
                date_of_birth=person.date_of_birth,
                confirmation_level=person.confirmation_level,
            ),
            proposed_by=match.proposed_by,
            proposed_at=match.proposed_at,
            decided_by_id=match.decided_by_id,
            decided_at=match.decided_at,
            decision_reason=match.decision_reason,
            version=match.version,
        )
