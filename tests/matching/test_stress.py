"""Quality bar on freshly drawn stress sets (tests/matching/stress.py): surnames the development registry does not
hold, every Latin scheme of iuliia and translitua, every case petrovich declines into, other nicknames, absent persons.

Run with `-s` to see recall per variation kind and the misses; `python -m tests.matching.stress --help` runs larger
draws. The generator's libraries are test-only dependencies (the `test` extra installs them).
"""

from __future__ import annotations

import random

import pytest

from app.matching.evaluate import Report, evaluate_sets
from app.matching.memory_index import MemoryIndex
from app.matching.model import LookupQuery
from tests.matching.stress import (
    SEED,
    StressSet,
    _in_dev_registry,
    _schemes,
    decline,
    generate,
    ukrainian,
)

pytestmark = pytest.mark.slow

CASES = ("genitive", "dative", "accusative", "instrumental", "prepositional")
PROBES = 60  # persons looked up per scheme / per case


@pytest.fixture(scope="module")
def stress_set() -> StressSet:
    return generate(2000, 600, SEED)


@pytest.fixture(scope="module")
def report(stress_set: StressSet) -> Report:
    result = evaluate_sets(stress_set.registry, stress_set.queries, stress_set.labels)
    print("\n" + result.render())
    for line in result.misses[:40]:
        print("  " + line)
    return result


@pytest.fixture(scope="module")
def probe_index(stress_set: StressSet) -> MemoryIndex[str]:
    index: MemoryIndex[str] = MemoryIndex()
    index.add_all(stress_set.registry)
    return index


def test_stress_recall_at_10_meets_bar(report: Report) -> None:
    assert report.recall_at_10 >= 0.98


def test_stress_recall_at_1_meets_bar(report: Report) -> None:
    assert report.recall_at_1 >= 0.90


def test_stress_absent_person_rarely_gets_strong_candidate(report: Report) -> None:
    assert report.absent >= 50
    assert report.absent_strong_rate <= 0.01


def test_stress_every_variation_kind_is_mostly_found(report: Report) -> None:
    for kind, (n, _hit1, hit10) in report.by_kind.items():
        if n >= 5:
            assert hit10 / n >= 0.9, kind


def test_stress_set_draws_no_development_surname(stress_set: StressSet) -> None:
    assert not any(_in_dev_registry(person.surname) for person in stress_set.truth.values())


def test_stress_generation_same_seed_gives_same_set() -> None:
    first, second = generate(150, 40, 7), generate(150, 40, 7)
    assert first.registry == second.registry
    assert first.queries == second.queries
    assert [label[0] for label in first.labels.values()] == [label[0] for label in second.labels.values()]


@pytest.mark.parametrize("scheme", sorted(_schemes()))
def test_lookup_every_latin_scheme_finds_the_person_first(
    scheme: str, stress_set: StressSet, probe_index: MemoryIndex[str]
) -> None:
    """Full name in one scheme (Ukrainian tables on the Ukrainian form) and the birth year only: found first."""
    rng = random.Random(scheme)
    write = _schemes()[scheme]
    found = 0
    people = list(stress_set.truth.items())[:PROBES]
    for record_id, person in people:
        names = (person.surname, person.given, person.patronymic)
        if scheme.startswith("latin_ua_"):
            pools = ("last", "first", "patronymic")
            names = tuple(ukrainian(name, pool, rng) for name, pool in zip(names, pools, strict=True))
        query = LookupQuery(full_name=" ".join(write(n) for n in names), date_of_birth=str(person.dob.year))
        results = probe_index.lookup(query, limit=1)
        found += bool(results) and results[0][0] == record_id
    assert found / len(people) >= 0.95, f"{scheme}: {found}/{len(people)}"


@pytest.mark.parametrize("case", CASES)
def test_lookup_every_grammatical_case_finds_the_person_first(
    case: str, stress_set: StressSet, probe_index: MemoryIndex[str]
) -> None:
    """Surname, given name and patronymic declined by petrovich, without a date: found in the top ten, mostly first."""
    first = top10 = 0
    people = list(stress_set.truth.items())[:PROBES]
    for record_id, person in people:
        declined = decline(person.surname, person.given, person.patronymic, case)
        results = probe_index.lookup(LookupQuery(full_name=" ".join(n for n in declined if n)), limit=10)
        ids = [rid for rid, _ in results]
        first += bool(ids) and ids[0] == record_id
        top10 += record_id in ids
    assert top10 == len(people), case
    assert first / len(people) >= 0.9, f"{case}: {first}/{len(people)}"
