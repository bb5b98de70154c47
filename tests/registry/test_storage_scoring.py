"""`storage.best_scored` ranks persons exactly as scoring every record of every person with `score` does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.matching import LookupQuery, Match, query_frequency_keys, score
from app.registry import storage


def _person(person_id: int, surname: str, given: str, dob: str | None, *alternates: str) -> dict[str, Any]:
    return {
        "id": person_id,
        "surname": surname,
        "given_name": given,
        "patronymic": None,
        "date_of_birth": dob,
        "alternate_names": list(alternates),
    }


_PERSONS = [
    _person(1, "Иванов", "Сергей", "1990-03-04"),
    _person(2, "Іванов", "Сергій", "1990-04-03"),
    _person(3, "Петров", "Сергей", "1990-03-04", "Иванов Сергей Петрович"),
    _person(4, "Иванов", "Сергей", "1990-03-04"),  # ties person 1: the lower id first
    _person(5, "Ivanov", "Sergei", None),
    _person(6, "Сидоров", "Пётр", "1971"),
]


def _naive(query: LookupQuery, frequencies: Mapping[str, int], total: int) -> list[tuple[Match, Mapping[str, Any]]]:
    scored = []
    for fields in _PERSONS:
        records = storage.person_records(fields)
        scored.append((max((score(query, r, frequencies, total) for r in records), key=lambda m: m.score), fields))
    scored.sort(key=lambda pair: (-pair[0].score, pair[1]["id"]))
    return scored


def test_best_scored_equals_scoring_every_record_in_order() -> None:
    for query in (
        LookupQuery(surname="Иванов", given_name="Сергей", date_of_birth="1990-03-04"),
        LookupQuery(full_name="Ivanov Sergey Petrovich"),
        LookupQuery(surname="Сидоров"),
    ):
        frequencies = {key: 2 for key in query_frequency_keys(query)}
        expected = _naive(query, frequencies, 1000)
        assert storage.best_scored(query, _PERSONS, frequencies, 1000, limit=10) == expected
        assert storage.best_scored(query, _PERSONS, frequencies, 1000, limit=2) == expected[:2]
