"""Given-name variant table, patronymics, declension and full-name splitting."""

from __future__ import annotations

import pytest

from app.matching.model import LookupQuery
from app.matching.morph import nominative_forms
from app.matching.names import father_id, given_ids, given_variants, looks_like_patronymic
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
