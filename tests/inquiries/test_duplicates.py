"""Duplicate detection before saving: same service number, same name and birth date (any script or spelling),
similar name; only open cases are proposed."""

from __future__ import annotations

from tests.cases.factories import change, create_inquiry, etag, inquiry_body, move, open_case, person


def _check(client, staff, sought):
    response = client.post("/api/v1/inquiries/check-duplicates", json={"sought": sought}, headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()["duplicates"]


def _reasons(found):
    return {d["reference"]: [r["code"] for r in d["reasons"]] for d in found}


def test_same_service_number_is_found_whatever_the_separators_and_alphabet(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator, sought={"service_number": "АВ-123456"})
    found = _check(client, operator, {"surname": "Сидоров", "service_number": "ab 123 456"})
    assert _reasons(found) == {reference: ["same_service_number"]}
    assert found[0]["reasons"][0]["detail"] == "service number AB123456 is on this case"


def test_same_name_and_birth_date_across_scripts_and_transliterations(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    for sought in (
        person("Ivanov", "Aleksei", "1999-03-14"),
        person("IVANOV", "Alexey", "1999-03-14"),
        person("Іванов", "Олексій", "1999-03-14"),
        person("иванов", "алексей", "1999-03-14", patronymic="Сергеевич"),
    ):
        found = _check(client, operator, sought)
        assert _reasons(found) == {reference: ["same_name_and_birth_date"]}, sought
        assert found[0]["strength"] == "strong"


def test_similar_name_is_proposed_as_such(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    for sought in (
        person("Ivanov", "Aleksei"),
        person("Иванов", "Алёша", "1999"),
        person("Ivonov", "Aleksei", "1999-03-14"),
    ):
        assert _reasons(_check(client, operator, sought)) == {reference: ["similar_name"]}, sought


def test_a_different_person_is_not_proposed(client, make_staff, backend):
    operator = make_staff("operator")
    open_case(client, operator)
    assert _check(client, operator, person("Петров", "Николай", "1985-07-01")) == []
    assert _check(client, operator, {}) == []


def test_strongest_reason_comes_first(client, make_staff, backend):
    operator = make_staff("operator")
    by_name = open_case(client, operator)
    by_number = open_case(client, operator, sought=person("Смирнов", "Иван", service_number="X-777"))
    found = _check(client, operator, person("Ivanov", "Aleksei", "1999-03-14", service_number="x777"))
    assert [d["reference"] for d in found] == [by_number, by_name]


def test_every_relatives_spelling_feeds_the_search(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator, sought=person("Ковальчук", "Андрій", "2001-05-02"))
    create_inquiry(
        client,
        operator,
        inquiry_body(case_reference=reference, sought=person("Kovalchuk", "Andrei", service_number="ZZ 4411")),
    )
    assert _reasons(_check(client, operator, {"surname": "Нечаев", "service_number": "ZZ-4411"})) == {
        reference: ["same_service_number"]
    }
    client.patch(
        f"/api/v1/cases/{reference}",
        json={"sought": {"surname": "Коваль"}},
        headers=change(officer, etag(client, officer, reference)),
    )
    assert reference in _reasons(_check(client, operator, person("Kovalchuk", "Andriy", "2001-05-02")))


def test_closed_cases_are_not_proposed(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    for state in ("searching", "not_found", "family_informed", "closed"):
        move(client, officer, reference, state)
    assert _check(client, operator, person("Ivanov", "Aleksei", "1999-03-14")) == []


def test_inquiry_response_lists_other_probable_cases(client, make_staff, backend):
    operator = make_staff("operator")
    first = open_case(client, operator)
    second = create_inquiry(client, operator, inquiry_body(sought=person("Ivanov", "Aleksei", "1999-03-14")))
    assert second["case_opened"] is True
    assert [(d["reference"], d["reasons"][0]["code"]) for d in second["duplicates"]] == [
        (first, "same_name_and_birth_date")
    ]
    attached = create_inquiry(client, operator, inquiry_body(case_reference=first))
    assert [d["reference"] for d in attached["duplicates"]] == [second["case_reference"]]


def test_common_keys_are_counted_no_further_and_left_out_of_the_probe(
    client, make_staff, db_session, backend, monkeypatch
):
    """With the common-key threshold lowered to 3: a given name four cases share stops being probed and counted
    past 3, and the case with the same surname, given name and birth date is still the one found."""
    from app.cases import nameindex
    from app.cases.similarity import Particulars, index_keys

    monkeypatch.setattr(nameindex, "COMMON_KEY_CASES", 3)
    operator = make_staff("operator")
    for surname in ("Shevchenko", "Bondarenko", "Tkachenko"):
        open_case(client, operator, sought=person(surname, "Petro", "1980-01-01"))
    reference = open_case(client, operator, sought=person("Kovalenko", "Petro", "1991-07-21"))
    described = Particulars(
        surname="Kovalenko",
        given_name="Petro",
        patronymic=None,
        date_of_birth="1991-07-21",
        place_of_birth=None,
        service_number=None,
        military_unit=None,
    )
    keys = sorted(index_keys(described))
    counts = nameindex.capped_counts(db_session, keys, cap=3)
    assert max(counts.values()) == 3 and min(counts.values()) == 1  # "Petro" capped, "Kovalenko" rare
    assert len(nameindex.selective_keys(db_session, keys)) < len(keys)
    db_session.rollback()  # end the read (SQLite: its transaction holds the write lock)
    found = _check(client, operator, person("Kovalenko", "Petro", "1991-07-21"))
    assert _reasons(found)[reference] == ["same_name_and_birth_date"]
