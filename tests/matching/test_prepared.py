"""A prepared query scores exactly as `score` does, explanation included, and never leaks across queries."""

from __future__ import annotations

from app.matching import LookupQuery, PersonRecord, prepare_query, query_frequency_keys, score
from app.matching.memory_index import MemoryIndex

_QUERIES = (
    LookupQuery(full_name="Ivanov Sergey Petrovich", date_of_birth="1998"),
    LookupQuery(full_name="Иванова Сергея"),
    LookupQuery(full_name="Sasha Kuznetsov", date_of_birth="1999-07-12"),
    LookupQuery(surname="Елкин", given_name="Петр", date_of_birth="1987-04-22"),
    LookupQuery(surname="Дем'яненко", given_name="Дмитро", place_of_birth="Київ", military_unit="в/ч 1234"),
    LookupQuery(service_number="АБ-123456"),
    LookupQuery(place_of_birth="Москва"),
)


def _frequencies(index: MemoryIndex[str], query: LookupQuery) -> dict[str, int]:
    return {key: index._frequencies[key] for key in query_frequency_keys(query) if key in index._frequencies}


def test_prepare_query_every_record_equals_score(small_index: MemoryIndex[str]) -> None:
    total = len(small_index)
    records = [small_index.record(record_id) for record_id in small_index._records]
    for query in _QUERIES:
        frequencies = _frequencies(small_index, query)
        prepared = prepare_query(query, frequencies, total)
        for record in records + records:  # the second pass is served from the prepared query's memos
            expected = score(query, record, frequencies, total)
            assert prepared.score(record) == expected
            assert prepared.value(record) == expected.score


def test_score_interleaved_queries_and_frequencies_do_not_leak() -> None:
    record = PersonRecord("Иванов", "Сергей", "Петрович", "1990-03-04")
    query = LookupQuery(surname="Иванов", given_name="Сергей")
    rare = score(query, record, {"fs:ivanov": 1}, 1000)
    common = score(query, record, {"fs:ivanov": 900}, 1000)
    other = score(LookupQuery(surname="Петров", given_name="Сергей"), record, {"fs:ivanov": 1}, 1000)
    assert common.score < rare.score
    assert other.score < rare.score
    assert score(query, record, {"fs:ivanov": 1}, 1000) == rare
    larger = score(query, record, {"fs:ivanov": 1}, 2000)
    assert larger == prepare_query(query, {"fs:ivanov": 1}, 2000).score(record)
    assert larger.score != rare.score


def test_prepare_query_frequencies_are_a_snapshot() -> None:
    record = PersonRecord("Иванов", "Сергей", None, None)
    query = LookupQuery(surname="Иванов")
    frequencies = {"fs:ivanov": 1}
    prepared = prepare_query(query, frequencies, 1000)
    before = prepared.score(record)
    frequencies["fs:ivanov"] = 900
    assert prepared.score(record) == before


def test_lookup_names_nobody_scores_zero() -> None:
    prepared = prepare_query(LookupQuery(), {}, 10)
    match = prepared.score(PersonRecord("Иванов", None, None, None))
    assert (match.score, match.strength, prepared.value(PersonRecord("Иванов", None, None, None))) == (0.0, "weak", 0.0)
