"""The captivity-or-deceased lookup over the database: retrieve candidates by key, score them, best first.

Two indexed queries (candidate ids by shared keys, frequency counts), one fetch of at most `CANDIDATE_CAP` persons,
then the engine's `score` per candidate; a person recorded under alternate spellings is scored under each and keeps
his best. Results equal those of `app.matching.memory_index.MemoryIndex` over the same records.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.errors import Unprocessable
from app.matching import LookupQuery, Match, score
from app.registry import storage
from app.registry.models import RegistryPerson

LOOKUP_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "full_name",
    "date_of_birth",
    "place_of_birth",
    "service_number",
    "military_unit",
    "age",
    "age_stated_on",
)
_QUERY_ATTRIBUTES = (*LOOKUP_FIELDS[:-2], "age", "stated_on")
IDENTIFYING_FIELDS = ("surname", "given_name", "patronymic", "full_name", "service_number")
SENSITIVE_LOOKUP_FIELDS = ("surname", "given_name", "patronymic", "full_name", "service_number", "place_of_birth")
"""Hashed in the audit trail: a record of who searched for whom, without a readable list of names."""


@dataclass(frozen=True, slots=True)
class CandidatePerson:
    """What a lookup result shows of a registry person (no restricted field)."""

    id: int
    public_id: uuid.UUID
    source: str
    source_record_id: str
    status: str
    confirmation_level: str
    surname: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    person: CandidatePerson
    match: Match


_FETCH = (
    RegistryPerson.id,
    RegistryPerson.public_id,
    RegistryPerson.source,
    RegistryPerson.source_record_id,
    RegistryPerson.status,
    RegistryPerson.confirmation_level,
    RegistryPerson.surname,
    RegistryPerson.given_name,
    RegistryPerson.patronymic,
    RegistryPerson.alternate_names,
    RegistryPerson.date_of_birth,
    RegistryPerson.place_of_birth,
    RegistryPerson.service_number,
    RegistryPerson.military_unit,
)
_COLUMNS = tuple(column.key for column in _FETCH)


def _best(query: LookupQuery, fields: Mapping[str, Any], frequencies: dict[str, int], total: int) -> Match:
    records = storage.person_records(fields)
    if len(records) == 1:
        return score(query, records[0], frequencies, total)
    return max((score(query, rec, frequencies, total) for rec in records), key=lambda m: m.score)


def _candidate_person(row: Mapping[str, Any]) -> CandidatePerson:
    public_id = row["public_id"]
    return CandidatePerson(
        id=row["id"],
        public_id=public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(public_id),
        source=row["source"],
        source_record_id=row["source_record_id"],
        status=row["status"],
        confirmation_level=row["confirmation_level"],
        surname=row["surname"],
        given_name=row["given_name"],
        patronymic=row["patronymic"],
        date_of_birth=row["date_of_birth"],
    )


def _fields(row: Any) -> dict[str, Any]:
    fields = dict(zip(_COLUMNS, row, strict=True))
    if isinstance(fields["alternate_names"], str):  # JSON text as SQLite returns it
        fields["alternate_names"] = json.loads(fields["alternate_names"])
    return fields


def find_candidates(
    session: Session,
    query: LookupQuery,
    *,
    limit: int,
    exclude: Collection[int] = (),
    cap: int | None = None,
) -> list[Candidate]:
    """The `limit` best candidates for `query`, best first; persons in `exclude` (internal ids) are left out.

    `cap` (default `storage.CANDIDATE_CAP`) bounds how many retrieved persons are scored.
    """
    cap = cap or storage.CANDIDATE_CAP
    rows = storage.candidate_rows(session, query, _COLUMNS, cap=cap + len(exclude))
    persons = [_fields(row) for row in rows if row[0] not in exclude][:cap]
    if not persons:
        return []
    frequencies, total = storage.frequencies(session, query)
    best = storage.best_scored(query, persons, frequencies, total, limit=limit)
    return [Candidate(_candidate_person(row), match) for match, row in best]


def score_person(session: Session, query: LookupQuery, person: RegistryPerson) -> Candidate:
    """Score one given person against a query (an officer's manual proposal gets an explanation too)."""
    frequencies, total = storage.frequencies(session, query)
    fields = {column.key: getattr(person, column.key) for column in _FETCH}
    return Candidate(_candidate_person(fields), _best(query, fields, frequencies, total))


def has_identifying_field(query: LookupQuery) -> bool:
    return any(getattr(query, name) for name in IDENTIFYING_FIELDS)


def lookup(session: Session, *, actor: Actor, query: LookupQuery, limit: int) -> list[Candidate]:
    """Run one lookup for a member of staff, audited (the searched values hashed)."""
    if not has_identifying_field(query):
        raise Unprocessable.field("#/surname", "Give at least a name, a full name or a service number.")
    candidates = find_candidates(session, query, limit=limit)
    record(
        session,
        actor=actor,
        action="registry.lookup_performed",
        target_type="registry_lookup",
        details={
            **{name: getattr(query, name) for name in _QUERY_ATTRIBUTES if getattr(query, name)},
            "limit": limit,
            "candidates": [str(c.person.public_id) for c in candidates],
            "strengths": [c.match.strength for c in candidates],
        },
        sensitive=SENSITIVE_LOOKUP_FIELDS,
    )
    return candidates


def explanation_json(match: Match) -> list[dict[str, Any]]:
    """The per-field explanation as stored and returned: field, verdict, a sentence, and its weight."""
    return [
        {"field": e.field, "verdict": e.verdict, "detail": e.detail, "weight": round(e.weight, 3)}
        for e in match.explanation
    ]


def query_from(values: Mapping[str, Any]) -> LookupQuery:
    """The engine's query from request or CSV values: `age` (int or digits) stated on `age_stated_on` (a date,
    ISO text, or today when left out)."""
    fields = {name: (values.get(name) or None) for name in LOOKUP_FIELDS if name not in ("age", "age_stated_on")}
    age = values.get("age")
    if isinstance(age, str):
        age = int(age) if age.strip().isdigit() else None
    stated_on = values.get("age_stated_on")
    if isinstance(stated_on, date):
        stated_on = stated_on.isoformat()
    return LookupQuery(**fields, age=age if age is not None else None, stated_on=stated_on or None)
