"""The lookup engine's public data types: what is searched, what is searched for, and what comes back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Strength = Literal["strong", "possible", "weak"]
Verdict = Literal["exact", "variant", "similar", "partial", "mismatch", "missing"]


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A registry person as an official list recorded him: names in the nominative, any script.

    `date_of_birth` is "YYYY", "YYYY-MM" or "YYYY-MM-DD" (other shapes are read by `dates.parse_date`).
    """

    surname: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None
    place_of_birth: str | None = None
    service_number: str | None = None
    military_unit: str | None = None


@dataclass(frozen=True, slots=True)
class LookupQuery:
    """What a family or an officer typed; any field may be None.

    Split name fields win over `full_name`; `full_name` is split into surname, given name and patronymic by
    recognising each token (names in any order, any case, any script), after a date (in words or numbers), an age
    and a military unit are read out of it. `date_of_birth` may be free text too ("14 марта 1999", "23 года").
    """

    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    full_name: str | None = None
    date_of_birth: str | None = None
    place_of_birth: str | None = None
    service_number: str | None = None
    military_unit: str | None = None
    age: int | None = None  # instead of a date of birth: the age the family or a list gives
    stated_on: str | None = None  # ISO date the age was stated (the inquiry's date); today when not given


@dataclass(frozen=True)
class FieldExplanation:
    """How one field of the inquiry compares with the registry record.

    `weight` is the field's contribution to the match's log-odds (natural log of its likelihood ratio): positive
    supports "same person", negative speaks against it, 0 means the field told nothing.
    """

    field: str
    verdict: Verdict
    detail: str
    weight: float


@dataclass(frozen=True)
class Match:
    """A scored candidate: `score` in [0, 1] (monotone in the evidence), a strength band, and the reasons."""

    score: float
    strength: Strength
    explanation: tuple[FieldExplanation, ...]
