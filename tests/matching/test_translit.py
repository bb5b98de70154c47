"""Phonetic skeletons: spellings of one name under any standard must meet; different names must not all merge."""

from __future__ import annotations

import iuliia
import pytest

from app.matching.normalize import clean_token, exact_form, looks_ukrainian, script_of, split_tokens
from app.matching.translit import consonant_skeleton, vowel_skeleton


@pytest.mark.parametrize(
    "spellings",
    [
        ("Юлия", "Юлія", "Iuliia", "Yulia", "Julija", "Julia", "Ûliâ"),
        ("Кузнецов", "Кузнєцов", "Kuznetsov", "Kuznecov", "Kuznyetsov"),
        ("Фёдор", "Федор", "Fyodor", "Fedor", "Fjodor", "Fëdor"),
        ("Шафиков", "Šafikov", "Shafikov"),
        ("Щукин", "Shchukin", "Ŝukin", "Šukin"),
        ("Городынский", "Городинський", "Horodynskyi", "Gorodynskiy", "Gorodynsky"),
        ("Терентьев", "Terent’yev", "Terentev", "Terentiev"),
        ("Зубрицкий", "Zubritskiy", "Zubrickij", "Zubritsky"),
        ("Кораблёв", "Корабльов", "Korablev", "Korablyov"),
    ],
)
def test_vowel_skeleton_spellings_of_one_name_are_equal(spellings: tuple[str, ...]) -> None:
    assert len({vowel_skeleton(s) for s in spellings}) == 1, {s: vowel_skeleton(s) for s in spellings}


@pytest.mark.parametrize(
    "spellings",
    [
        ("Олексій", "Алексей", "Oleksii", "Aleksey", "Alexei", "Олєксій"),
        ("Олександр", "Александр", "Oleksandr", "Aleksandr", "Олєксандр"),
        ("Михайло", "Михаил", "Mykhailo", "Mikhail", "Mihail", "Міхаїл"),
        ("Игорь", "Ігор", "Ihor", "Igor"),
        ("Ивана", "Иван"),
    ],
)
def test_consonant_skeleton_ukrainian_russian_latin_forms_are_equal(spellings: tuple[str, ...]) -> None:
    assert len({consonant_skeleton(s) for s in spellings}) == 1, {s: consonant_skeleton(s) for s in spellings}


def test_consonant_skeleton_different_surnames_stay_apart() -> None:
    surnames = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев", "Козлов"]
    assert len({consonant_skeleton(s) for s in surnames}) == len(surnames)


def test_vowel_skeleton_every_iuliia_schema_meets_cyrillic() -> None:

    names = ["Кузнецов", "Шафиков", "Ржецкий", "Юрьевич", "Алексей", "Щербаков", "Васильев", "Жуковский"]
    schemas = ["WIKIPEDIA", "ICAO_DOC_9303", "MVD_310", "MVD_782", "BGN_PCGN_ALT", "GOST_779", "ISO_9_1968", "ALA_LC"]
    for schema_name in schemas:
        schema = getattr(iuliia, schema_name)
        for name in names:
            assert consonant_skeleton(schema.translate(name)) == consonant_skeleton(name), (schema_name, name)


def test_clean_token_apostrophes_hyphens_and_case_are_ignored() -> None:
    forms = {clean_token(f) for f in ("Дар'я", "Дарʼя", "ДАР’Я", "Дар`я", "Дарья".replace("ь", ""))}
    assert forms == {"даря"}
    assert clean_token("Нечуй-Левицький") == "нечуйлевицький"


def test_exact_form_yo_written_as_ye_is_equal() -> None:
    assert exact_form("Ёлкин") == exact_form("Елкин")
    assert clean_token("Ёлкин") != clean_token("Елкин")


def test_script_of_detects_alphabet_and_ukrainian_letters() -> None:
    assert script_of("Іванов") == "cyrillic"
    assert script_of("Ivanov") == "latin"
    assert looks_ukrainian("Іванов")
    assert looks_ukrainian("Дем'яненко")
    assert not looks_ukrainian("Иванов")


def test_split_tokens_keeps_hyphenated_names_and_drops_punctuation() -> None:
    assert split_tokens("Нечуй-Левицький,  Іван  Семенович") == ["Нечуй-Левицький", "Іван", "Семенович"]


@pytest.mark.parametrize(
    "spellings",
    [
        ("Лутцев", "Lutcev", "Luttsev", "Lutsev"),  # т+ц folds into ц: GOST 2006 "tc" and ICAO "ts" meet
        ("Ильдар", "Iljdar", "Ildar"),  # DSTU 9112 soft sign "j" between consonants
        ("Игорь", "Ighorj", "Igor"),  # DSTU 9112 "gh" = г and final soft sign "j"
        ("Кузьмич", "Kuzjmych", "Kuzmich"),
        ("Эдуард", "Ehduard", "Eduard"),  # GOST 16876-71 table 2 / ISO R9: э = "eh"
        ("Рафаэль", "Rafaehl′", "Rafael"),
        ("Щербак", "Schtscherbak", "Shcherbak"),  # German щ = "schtsch"
    ],
)
def test_vowel_skeleton_rarer_standards_meet_cyrillic(spellings: tuple[str, ...]) -> None:
    assert len({vowel_skeleton(s) for s in spellings}) == 1, {s: vowel_skeleton(s) for s in spellings}


def test_vowel_skeleton_eh_after_consonant_stays_e_plus_kh() -> None:
    assert vowel_skeleton("Mehmed") == vowel_skeleton("Мехмед")
    assert vowel_skeleton("Yehor") == vowel_skeleton("Єгор")
    assert vowel_skeleton("Andrej") == vowel_skeleton("Андрей")  # a final "j" after a vowel is still й
