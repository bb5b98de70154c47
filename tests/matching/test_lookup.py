"""End-to-end behaviour of lookups against a small registry: the cases the issue names explicitly."""

from __future__ import annotations

from app.matching.memory_index import MemoryIndex
from app.matching.model import LookupQuery, Match, PersonRecord


def _details(match: Match) -> str:
    return " | ".join(f"{e.field}: {e.verdict}: {e.detail}" for e in match.explanation)


def _field(match: Match, name: str) -> str:
    found = next(e for e in match.explanation if e.field == name)
    return f"{found.verdict}: {found.detail}"


def test_lookup_latin_full_name_with_year_finds_ukrainian_record_first(small_index: MemoryIndex[str]) -> None:
    results = small_index.lookup(LookupQuery(full_name="Ivanov Sergey Petrovich", date_of_birth="1998"))
    best_id, best = results[0]
    assert best_id == "ua-ivanov"
    text = _details(best)
    assert "transliteration" in _field(best, "surname")
    assert "Ukrainian form" in _field(best, "given name")
    assert "year 1998 matches" in _field(best, "date of birth")
    assert "Сергій" in text


def test_lookup_genitive_full_name_finds_nominative_record(small_index: MemoryIndex[str]) -> None:
    results = small_index.lookup(LookupQuery(full_name="Иванова Сергея"))
    assert results[0][0] in {"ru-ivanov-older", "ru-ivanov-pavlovich"}
    assert "declined form" in _field(results[0][1], "surname")
    assert "declined form" in _field(results[0][1], "given name")
    ids = [rid for rid, _ in results]
    assert "ru-ivanova-nikolai" not in ids[:2]


def test_lookup_latin_nickname_with_swapped_date_explains_both(small_index: MemoryIndex[str]) -> None:
    results = small_index.lookup(LookupQuery(full_name="Sasha Kuznetsov", date_of_birth="1999-07-12"))
    best_id, best = results[0]
    assert best_id == "kuznetsov-alexander"
    assert "diminutive of Александр" in _field(best, "given name")
    assert "day/month swapped" in _field(best, "date of birth")


def test_lookup_yo_written_as_ye_matches_exactly(small_index: MemoryIndex[str]) -> None:
    results = small_index.lookup(LookupQuery(surname="Елкин", given_name="Петр", date_of_birth="1987-04-22"))
    best_id, best = results[0]
    assert best_id == "yolkin"
    assert _field(best, "surname").startswith("exact")
    assert "ё/е" in _field(best, "surname")
    assert best.strength == "strong"


def test_lookup_any_apostrophe_matches_the_recorded_one(small_index: MemoryIndex[str]) -> None:
    for apostrophe in ("'", "’", "ʼ", "`", ""):
        results = small_index.lookup(LookupQuery(surname=f"Дем{apostrophe}яненко", given_name="Дмитро"))
        assert results[0][0] == "darya-apostrophe"
        assert _field(results[0][1], "surname").startswith("exact")


def test_lookup_service_number_in_cyrillic_with_space_matches_latin(small_index: MemoryIndex[str]) -> None:
    results = small_index.lookup(LookupQuery(surname="Заякин", service_number="НН 885911"))
    best_id, best = results[0]
    assert best_id == "service-number"
    assert _field(best, "service number").startswith("exact")
    assert best.strength == "strong"


def test_lookup_year_off_by_one_gets_partial_credit(small_index: MemoryIndex[str]) -> None:
    exact = small_index.lookup(LookupQuery(surname="Белозеров", given_name="Виктор", date_of_birth="1990-08-15"))
    off = small_index.lookup(LookupQuery(surname="Белозеров", given_name="Виктор", date_of_birth="1991-08-15"))
    wrong = small_index.lookup(LookupQuery(surname="Белозеров", given_name="Виктор", date_of_birth="1975-03-01"))
    assert exact[0][0] == off[0][0] == wrong[0][0] == "off-by-one"
    assert exact[0][1].score > off[0][1].score > wrong[0][1].score
    assert "year off by one" in _field(off[0][1], "date of birth")
    assert _field(off[0][1], "date of birth").startswith("partial")


def test_lookup_absent_person_gets_no_strong_candidate(small_index: MemoryIndex[str]) -> None:
    absent = [
        LookupQuery(full_name="Иванов Сергей Петрович", date_of_birth="1990-01-01"),
        LookupQuery(surname="Кузнецов", given_name="Дмитрий", date_of_birth="1999-07-12"),
        LookupQuery(surname="Заякин", service_number="НН 000001"),
        LookupQuery(surname="Петров", given_name="Иван", patronymic="Иванович", date_of_birth="1990"),
    ]
    for query in absent:
        assert all(match.strength != "strong" for _, match in small_index.lookup(query)), query


def test_lookup_empty_query_returns_nothing(small_index: MemoryIndex[str]) -> None:
    assert small_index.lookup(LookupQuery()) == []


def _index(*records: tuple[str, PersonRecord]) -> MemoryIndex[str]:
    index: MemoryIndex[str] = MemoryIndex()
    index.add_all(records)
    return index


def test_lookup_ukrainian_vowel_shift_in_surname_is_a_variant() -> None:
    index = _index(
        ("ua", PersonRecord("Рожнів", "Сергій", None, "1995-06-22")),
        ("other", PersonRecord("Рожков", "Сергей", None, "1995-06-22")),
    )
    best_id, best = index.lookup(LookupQuery(surname="Рожнев", given_name="Сергей", date_of_birth="1995"))[0]
    assert best_id == "ua"
    assert _field(best, "surname").startswith("variant")


def test_lookup_month_differs_never_strong() -> None:
    index = _index(("sopshin", PersonRecord("Сопшин", "Вячеслав", None, "1985-07-21")))
    _, match = index.lookup(LookupQuery(surname="Sopshin", given_name="Vjacheslav", date_of_birth="08.1985"))[0]
    assert "month differs" in _field(match, "date of birth")
    assert match.strength != "strong"


def test_lookup_patronymic_mismatch_never_strong() -> None:
    index = _index(("vielen", PersonRecord("Вьелен", "Рудольф", "Георгиевич", "1968-06-12")))
    _, match = index.lookup(LookupQuery(surname="Вьелен", given_name="Рудольф", patronymic="Ирекович"))[0]
    assert _field(match, "patronymic").startswith("mismatch")
    assert match.strength != "strong"


def test_lookup_unlisted_nickname_is_weak_support_not_contradiction() -> None:
    index = _index(
        ("vadim", PersonRecord("Орешкин", "Вадим", "Петрович", "1990-03-04")),
        ("viktor", PersonRecord("Орешкин", "Виктор", "Петрович", "1990-03-04")),
    )
    results = index.lookup(LookupQuery(surname="Орешкин", given_name="Вадюша", date_of_birth="1990-03-04"))
    best_id, best = results[0]
    assert best_id == "vadim"
    assert _field(best, "given name").startswith("partial")
    assert "familiar form of Вадим" in _field(best, "given name")
    assert _field(results[1][1], "given name").startswith("mismatch")


def test_lookup_unlisted_nickname_still_found_by_surname_and_date() -> None:
    index = _index(("renat", PersonRecord("Галимзянов", "Ренат", "Ильдарович", "1987-11-02")))
    results = index.lookup(LookupQuery(full_name="Галимзянов Ренатик", date_of_birth="02.11.1987"))
    assert results and results[0][0] == "renat"


def test_lookup_french_passport_query_finds_russian_record() -> None:
    index = _index(
        ("shereshev", PersonRecord("Шерешев", "Василий", None, "1985-08-30")),
        ("cherepov", PersonRecord("Черепов", "Василий", "Викторович", "1985-02-11")),
    )
    best_id, _ = index.lookup(
        LookupQuery(surname="Cherechev", given_name="Vasilii", patronymic="Viktorovitch", date_of_birth="1985")
    )[0]
    assert best_id == "shereshev"


def test_lookup_patronymic_and_date_alone_never_make_a_possible_match() -> None:
    index = _index(("other", PersonRecord("Коваленко", "Олексій", "Петрович", "1998-05-03")))
    results = index.lookup(
        LookupQuery(surname="Иванов", given_name="Сергей", patronymic="Петрович", date_of_birth="1998-05-03")
    )
    assert results, "the patronymic-date key retrieves him"
    assert results[0][1].strength == "weak"
