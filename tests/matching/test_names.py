"""Given-name variant table, patronymics, declension and full-name splitting."""

from __future__ import annotations

import pytest

from app.matching.model import LookupQuery
from app.matching.morph import latin_hints, latin_readings, nominative_forms, query_forms
from app.matching.names import father_id, given_ids, given_variants, looks_like_patronymic, near_given_ids
from app.matching.parse import parse_query


@pytest.mark.parametrize(
    ("form", "canonical"),
    [
        ("Саша", "Александр"),
        ("Sasha", "Александр"),
        ("Дима", "Дмитрий"),
        ("Лёша", "Алексей"),
        ("Lyosha", "Алексей"),
        ("Женя", "Евгений"),
        ("Vanya", "Иван"),
        ("Vanâ", "Иван"),
        ("Микола", "Николай"),
        ("Mykola", "Николай"),
        ("Миколай", "Николай"),
        ("Юхим", "Ефим"),
        ("Олексій", "Алексей"),
        ("Serhii", "Сергей"),
        ("Сєргій", "Сергей"),
        ("Владімір", "Владимир"),
    ],
)
def test_given_ids_variant_maps_to_canonical(form: str, canonical: str) -> None:
    assert given_ids(canonical)[0] in given_ids(form)


def test_given_variants_diminutive_is_marked_and_ambiguity_counted() -> None:
    slava = given_variants("Слава")
    assert {v.kind for v in slava} == {"diminutive"}
    assert slava[0].ambiguity >= 3


def test_given_ids_unknown_name_gets_script_independent_pseudo_id() -> None:
    assert given_ids("Хабибулла") == given_ids("Khabibulla")
    assert given_ids("Хабибулла")[0].startswith("~")


@pytest.mark.parametrize(
    ("patronymic", "father"),
    [
        ("Миколайович", "Николай"),
        ("Николаевич", "Николай"),
        ("Mykolaiovych", "Николай"),
        ("Сергійович", "Сергей"),
        ("Sergeyevich", "Сергей"),
        ("Ильич", "Илья"),
        ("Іл'їч", "Илья"),
        ("Яковлевич", "Яков"),
        ("Якович", "Яков"),
        ("Ивановича", "Иван"),
    ],
)
def test_father_id_russian_and_ukrainian_patronymics_meet(patronymic: str, father: str) -> None:
    assert father_id(patronymic) == given_ids(father)[0]


def test_looks_like_patronymic_suffixes_but_not_surnames() -> None:
    assert looks_like_patronymic("Петровна")
    assert looks_like_patronymic("Ivanovich")
    assert looks_like_patronymic("Кузьмич")
    assert not looks_like_patronymic("Бабич")
    assert not looks_like_patronymic("Иванов")


@pytest.mark.parametrize(
    ("declined", "role", "nominative"),
    [
        ("Иванова", "surname", "иванов"),
        ("Таргонского", "surname", "таргонский"),
        ("Ивановым", "surname", "иванов"),
        ("Сергея", "given", "сергей"),
        ("Павлом", "given", "павел"),
        ("Петровичу", "patronymic", "петрович"),
    ],
)
def test_nominative_forms_declined_form_yields_nominative(declined: str, role: str, nominative: str) -> None:
    forms = nominative_forms(declined, role)  # type: ignore[arg-type]
    assert forms[0] == declined.lower()
    assert nominative in forms


@pytest.mark.parametrize(
    ("full_name", "surname", "given", "patronymic"),
    [
        ("Иванов Сергей Петрович", "Иванов", "Сергей", "Петрович"),
        ("Сергей Петрович Иванов", "Иванов", "Сергей", "Петрович"),
        ("Антон Казанцев", "Казанцев", "Антон", None),
        ("Kuznetsov Sasha", "Kuznetsov", "Sasha", None),
        ("Иванова Сергея Петровича", "Иванова", "Сергея", "Петровича"),
    ],
)
def test_parse_query_full_name_assigns_tokens_by_form(
    full_name: str, surname: str, given: str, patronymic: str | None
) -> None:
    reading = parse_query(LookupQuery(full_name=full_name))[0]
    assert reading.surname is not None and reading.surname.original == surname
    assert reading.given is not None and reading.given.original == given
    assert (reading.patronymic.original if reading.patronymic else None) == patronymic


def test_parse_query_two_tokens_keep_swapped_reading() -> None:
    readings = parse_query(LookupQuery(full_name="Ерванд Шматов"))
    assert len(readings) == 2
    assert readings[1].log_penalty < 0


@pytest.mark.parametrize(
    ("patronymic", "father"),
    [
        ("Миколаївич", "Николай"),
        ("Mykolaivych", "Николай"),
        ("Андріївич", "Андрей"),
        ("Андрійвич", "Андрей"),
        ("Юріївич", "Юрий"),
        ("Олексіївич", "Алексей"),
        ("Анатоліївич", "Анатолий"),
        ("Євгенівич", "Евгений"),
        ("Яковлівич", "Яков"),
        ("Andriivych", "Андрей"),
    ],
)
def test_father_id_ukrainian_ivych_patronymics_meet_russian(patronymic: str, father: str) -> None:
    assert father_id(patronymic) == given_ids(father)[0]
    assert looks_like_patronymic(patronymic)


def test_near_given_ids_one_typo_away_from_a_table_name() -> None:
    assert near_given_ids("Срегей") == given_ids("Сергей")
    assert near_given_ids("Алексанр") == given_ids("Александр")
    assert near_given_ids("Сергей") == ()  # known names need no guess
    assert near_given_ids("Иавн") == ()  # too short to guess safely


def test_given_ids_table_extension_old_names_and_ambiguous_diminutives() -> None:
    assert given_ids("Кеша") == given_ids("Иннокентий")
    assert set(given_ids("Витя")) == {given_ids("Виктор")[0], given_ids("Виталий")[0]}
    assert given_ids("Гнат")[0] in {given_ids("Игнат")[0], given_ids("Игнатий")[0]}


@pytest.mark.parametrize(
    ("tokens", "hint"),
    [
        (["Cherechev", "Vasilii", "Viktorovitch"], "french"),
        (["Schewtschenko", "Taras"], "german"),
        (["Cichco", "Nicolai", "Alecseievich"], "c_as_k"),
        (["Jukov", "Ivan", "Petrovich"], "j_as_zh"),
        (["Asadullin", "Ashat", "Ašatovič"], "sh_as_skh"),
    ],
)
def test_latin_hints_whole_query_reveals_the_standard(tokens: list[str], hint: str) -> None:
    assert hint in latin_hints(tokens)


def test_latin_hints_iso_spelling_with_final_j_is_not_read_as_zh() -> None:
    assert "j_as_zh" not in latin_hints(["Jakovlev", "Jurij", "Andreevič"])
    assert latin_hints(["Иванов", "Сергей"]) == frozenset()


@pytest.mark.parametrize(
    ("token", "hints", "reading"),
    [
        ("cherechev", {"french"}, "shereshev"),
        ("tchernychev", {"french"}, "chernyshev"),
        ("guennadievitch", {"french"}, "gennadievich"),
        ("schewtschenko", {"german"}, "shevchenko"),
        ("labanzew", {"german"}, "labantsev"),
        ("mycola", {"c_as_k"}, "mykola"),
        ("cvietcovscii", {"c_as_k"}, "kvietkovskii"),
        ("zapajcov", {"c_as_k", "j_as_zh"}, "zapazhkov"),
        ("jukov", {"j_as_zh"}, "zhukov"),
        ("scerbakov", set(), "shcherbakov"),
        ("ashat", {"sh_as_skh"}, "askhat"),
        ("chloponin", set(), "khloponin"),
        ("mixail", set(), "mikhail"),
    ],
)
def test_latin_readings_other_standards_give_the_russian_sounds(token: str, hints: set[str], reading: str) -> None:
    assert reading in latin_readings(token, frozenset(hints))


def test_query_forms_latin_readings_are_not_marked_declined() -> None:
    forms = dict(query_forms("Cherechev", "surname", frozenset({"french"})))
    assert forms == {"cherechev": False, "shereshev": False}
    assert dict(query_forms("Иванова", "surname"))["иванов"] is True


def test_nominative_forms_latin_token_with_cyrillic_soft_sign_is_read_as_latin() -> None:
    assert "syulzhin" in nominative_forms("Syulьjin", "surname", latin_hints(["Syulьjin", "Ivan"]))


def test_parse_query_two_patronymic_looking_tokens_keep_both_readings() -> None:
    readings = parse_query(LookupQuery(full_name="Михаил Андреевич Гаврилович"))
    assignments = {
        (r.surname.original if r.surname else None, r.patronymic.original if r.patronymic else None) for r in readings
    }
    assert ("Гаврилович", "Андреевич") in assignments
    assert ("Андреевич", "Гаврилович") in assignments


def test_parse_query_patronymic_of_unknown_name_is_not_preferred() -> None:
    reading = parse_query(LookupQuery(full_name="Аркадий Александрович Саланович"))[0]
    assert reading.surname is not None and reading.surname.original == "Саланович"
    assert reading.patronymic is not None and reading.patronymic.original == "Александрович"


def test_parse_query_surname_in_patronymic_form_is_a_reading() -> None:
    readings = parse_query(LookupQuery(full_name="Петрович Александр"))
    assert any(
        r.surname is not None and r.surname.original == "Петрович" and r.given is not None and r.patronymic is None
        for r in readings
    )
