"""Retrieval and frequency keys: shape, symmetry between record and query side, bounded fan-out."""

from __future__ import annotations

import random
import time

from app.matching import frequency_keys, query_frequency_keys, query_keys, record_keys
from app.matching.memory_index import MemoryIndex
from app.matching.model import LookupQuery, PersonRecord
from app.matching.parse import normalize_service_number

KINDS = {"s", "sg", "sy", "sd", "sp", "gp", "gd", "pd", "xd", "sn", "si", "di", "ui", "uy"}


def test_record_keys_are_short_and_of_known_kinds() -> None:
    record = PersonRecord("Нечуй-Левицький", "Іван", "Семенович", "1998-05-03", service_number="АВ-123456")
    keys = record_keys(record)
    assert keys
    assert all(len(k) <= 64 for k in keys)
    assert {k.split(":", 1)[0] for k in keys} <= KINDS


def test_query_keys_every_kind_is_one_records_emit() -> None:
    query = LookupQuery(full_name="Иванова Сергея Петровича", date_of_birth="03.05.1998", service_number="ав 123456")
    assert {k.split(":", 1)[0] for k in query_keys(query)} <= KINDS


def test_query_keys_misspelt_surname_still_shares_keys_with_record() -> None:
    record = PersonRecord("Головешкин", "Игорь", "Ильдусович", "1977-05-01")
    for query in (
        LookupQuery(surname="Гоовешкин", given_name="Игорь", patronymic="Ильдусович"),
        LookupQuery(surname="Головешкен", given_name="Игорь"),
        LookupQuery(surname="Галавешкин", given_name="Игорь", date_of_birth="1977"),
        LookupQuery(surname="Головешкинн", given_name="Игорь", date_of_birth="1977-01-05"),
    ):
        assert query_keys(query) & record_keys(record), query


def test_normalize_service_number_lookalikes_and_separators() -> None:
    assert normalize_service_number("НН 885911") == normalize_service_number("HH885911") == "HH885911"
    assert normalize_service_number("ом-345842") == "OM345842"
    assert normalize_service_number("  ") is None


def test_frequency_keys_query_side_covers_record_side() -> None:
    record = PersonRecord("Іванов", "Сергій", "Петрович", "1998-05-03")
    query = LookupQuery(full_name="Ivanov Sergey Petrovich")
    assert frequency_keys(record) & query_frequency_keys(query)


def test_lookup_very_common_name_key_fan_out_stays_bounded() -> None:
    rng = random.Random(3)
    index: MemoryIndex[int] = MemoryIndex()
    patronymics = ["Петрович", "Иванович", "Александрович", "Сергеевич", "Николаевич"]
    surnames = ["Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков"]
    givens = ["Андрей", "Дмитрий", "Алексей", "Михаил", "Николай", "Иван", "Павел", "Олег"]
    next_id = 0
    for _ in range(100):
        dob = f"{rng.randint(1970, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        index.add(next_id, PersonRecord("Иванов", "Сергей", rng.choice(patronymics), dob))
        next_id += 1
    for _ in range(5000):
        dob = f"{rng.randint(1970, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        index.add(next_id, PersonRecord(rng.choice(surnames), rng.choice(givens), rng.choice(patronymics), dob))
        next_id += 1
    query = LookupQuery(full_name="Иванов Сергей")
    started = time.perf_counter()
    candidates, stats = index.candidates(query)
    results = index.lookup(query, limit=10)
    elapsed = time.perf_counter() - started
    print(
        f"\ncommon name: {stats.keys} keys, {stats.rows} index rows, largest key {stats.largest_key_rows}, "
        f"{stats.candidates} candidates, {elapsed * 1e3:.1f} ms"
    )
    assert stats.keys <= 40
    assert stats.largest_key_rows <= 110
    assert stats.rows <= 100 * 5  # sg + one xd per deletion of the 3-consonant skeleton: linear in the name count
    assert len(candidates) >= 100
    assert all(index.record(rid).surname == "Иванов" for rid, _ in results)
    assert all(match.strength != "strong" for _, match in results)


def test_query_keys_surname_with_an_extra_consonant_and_no_date_shares_a_key() -> None:
    record = PersonRecord("Горелов", "Алексей", None, "1982")
    query = LookupQuery(surname="Гореглов", given_name="Алексей")  # one consonant too many, nothing else to go on
    assert query_keys(query) & record_keys(record)


def test_query_keys_year_only_one_year_off_shares_a_surname_year_key() -> None:
    record = PersonRecord("Кожарский", "Иван", None, "1971-06-28")
    query = LookupQuery(full_name="Кожарский Виан", date_of_birth="1972")  # given name garbled, year off by one
    assert {k for k in query_keys(query) & record_keys(record) if k.startswith("sy:")}


def test_record_keys_gost_779b_record_is_found_by_cyrillic_query() -> None:
    record = PersonRecord("Tixeev", "Mixail", "Fedorovich", "1971-09-08")  # х written "x"
    query = LookupQuery(full_name="Тихеев Михаил Федорович", date_of_birth="1971")
    assert query_keys(query) & record_keys(record)


def test_record_keys_passport_2004_variant_record_is_found_by_cyrillic_query() -> None:
    record = PersonRecord("Cvietcovscii", "Yevdocym", "Victorovich", "1999-06-16")  # к written "c"
    query = LookupQuery(surname="Кветковский", given_name="Евдоким")
    assert {k for k in query_keys(query) & record_keys(record) if k.startswith("sg:")}


def test_query_keys_misspelt_given_name_probes_the_name_meant() -> None:
    record = PersonRecord("Шапин", "Сергей", None, "1990-01-01")
    query = LookupQuery(surname="Шапин", given_name="Срегей")
    assert {k for k in query_keys(query) & record_keys(record) if k.startswith("sg:")}


def test_record_keys_latin_readings_keep_keys_per_record_small() -> None:
    cyrillic = record_keys(PersonRecord("Тихеев", "Михаил", "Федорович", "1971-09-08"))
    latin = record_keys(PersonRecord("Tixeev", "Mixail", "Fedorovich", "1971-09-08"))
    assert len(latin) <= 2 * len(cyrillic)


def test_query_keys_misspelt_surname_and_pet_name_still_share_patronymic_date_key() -> None:
    record = PersonRecord("Белогуров", "Николай", "Сергеевич", "1965-07-16")
    query = LookupQuery(full_name="Белогушров Никик Сергеевич", date_of_birth="16.07.1965")
    assert {k for k in query_keys(query) & record_keys(record) if k.startswith("pd:")}
