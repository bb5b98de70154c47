"""The cases' bridge to the lookup engine (`app.matching`): which keys to index, which to probe, how to compare.

Everything the case domain knows about name matching goes through the three functions here, so a change of
engine touches this module only. The engine is pure: keys and scores, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.cases.text import normalize_service_number
from app.matching import (
    LookupQuery,
    Match,
    PersonRecord,
    frequency_keys,
    query_frequency_keys,
    query_keys,
    record_keys,
    score,
)

SERVICE_KEY_PREFIX = "svc:"
"""Our own exact key for a normalized service number (the engine's `sn:` keys may change with its normalization)."""


@dataclass(frozen=True, slots=True)
class Particulars:
    """The sought person as someone described him; every field optional."""

    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    date_of_birth: str | None = None
    place_of_birth: str | None = None
    service_number: str | None = None
    military_unit: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.surname, self.given_name, self.patronymic, self.service_number))

    def record(self) -> PersonRecord:
        return PersonRecord(
            surname=self.surname,
            given_name=self.given_name,
            patronymic=self.patronymic,
            date_of_birth=self.date_of_birth,
            place_of_birth=self.place_of_birth,
            service_number=self.service_number,
            military_unit=self.military_unit,
        )

    def query(self) -> LookupQuery:
        return LookupQuery(
            surname=self.surname,
            given_name=self.given_name,
            patronymic=self.patronymic,
            date_of_birth=self.date_of_birth,
            place_of_birth=self.place_of_birth,
            service_number=self.service_number,
            military_unit=self.military_unit,
        )


def name_query(text: str) -> LookupQuery:
    """A free-text name as typed into a search box (any order, any script)."""
    return LookupQuery(full_name=text)


def service_key(service_number: str | None) -> str | None:
    normalized = normalize_service_number(service_number)
    return f"{SERVICE_KEY_PREFIX}{normalized}"[:80] if normalized else None


def index_keys(person: Particulars) -> set[str]:
    """Keys stored for one description of the person: retrieval keys, frequency keys, the service-number key."""
    if person.is_empty:
        return set()
    record = person.record()
    keys = {k[:80] for k in record_keys(record) | frequency_keys(record)}
    svc = service_key(person.service_number)
    if svc:
        keys.add(svc)
    return keys


def probe_keys(query: LookupQuery) -> tuple[set[str], set[str]]:
    """(retrieval keys to probe, frequency keys to count) for a query."""
    return {k[:80] for k in query_keys(query)}, {k[:80] for k in query_frequency_keys(query)}


def compare(query: LookupQuery, person: Particulars, frequencies: dict[str, int], total: int) -> Match:
    return score(query, person.record(), frequencies, total)


def same_name_and_birth_date(match: Match) -> bool:
    """Surname and given name the same (allowing transliteration and spelling variants) and the same full date."""
    verdicts = {f.field: f.verdict for f in match.explanation}
    names_agree = all(verdicts.get(name) in ("exact", "variant") for name in ("surname", "given name"))
    return names_agree and verdicts.get("date of birth") == "exact"


def is_similar(match: Match) -> bool:
    return match.strength in ("strong", "possible")


def explain(match: Match) -> str:
    return "; ".join(f"{f.field}: {f.detail}" for f in match.explanation if f.verdict != "missing")
