"""Search keys fold case, accents, script and transliteration; service numbers ignore separators."""

from __future__ import annotations

import pytest

from app.cases.text import like_pattern, normalize_service_number, search_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Иванова Мария", "IVANOVA MARIYA"),
        ("Ёлкина", "Елкина"),
        ("Щукин", "Shchukin"),
        ("Щукин", "Schukin"),
        ("Хабибуллин", "Habibullin"),
        ("Юлия", "Yulia"),
        ("Олексій", "Oleksiy"),
        ("Дар'я", "Darya"),
        ("Ševčenko", "Шевченко"),
        ("Müller", "MULLER"),
    ],
)
def test_spellings_of_one_name_share_a_search_key(a, b):
    assert search_key(a) == search_key(b)


def test_search_key_of_a_part_is_inside_the_key_of_the_whole():
    assert search_key("мария") in search_key("Иванова Мария Петровна")
    assert search_key("Ivanova") in search_key("ИВАНОВА  мария")


def test_service_numbers_ignore_case_separators_and_cyrillic_look_alikes():
    assert normalize_service_number("ав 123-456") == normalize_service_number("AB123456") == "AB123456"
    assert normalize_service_number(" - ") is None
    assert normalize_service_number(None) is None


def test_like_pattern_escapes_wildcards():
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"
