"""Registry routes: uploads as background jobs, staff reads by role, and the lookup with its explanations."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Permission, Role, permissions_for
from app.auth.principals import StaffPrincipal
from app.jobs import run_pending
from app.registry.models import RegistryPerson
from app.registry.schemas import RegistryPersonOut, RegistryPersonRestrictedOut, person_out
from app.transaction import unit_of_work
from tests.registry.factories import EXAMPLES, IVANOV_RU, IVANOV_UA, csv_bytes, import_rows

RESTRICTED = {"state_of_health", "place_of_internment", "prisoner_number", "burial_place"}


def _upload(client, staff, data: bytes, name: str = "list.csv"):
    return client.post("/api/v1/registry/imports", files={"file": (name, data, "text/csv")}, headers=staff.headers)


def test_upload_as_admin_is_imported_by_the_job_with_progress_and_errors(client, make_staff, session_factory):
    admin = make_staff("admin")
    data = csv_bytes([*EXAMPLES, {**IVANOV_RU, "source_record_id": "B-99", "status": "lost"}])

    accepted = _upload(client, admin, data)

    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["status"] == "queued"
    location = accepted.headers["Location"]
    assert run_pending(session_factory) >= 1
    done = client.get(location, headers=admin.headers).json()
    assert (done["status"], done["progress"], done["created"], done["rejected"]) == ("succeeded", 1.0, 7, 1)
    errors = client.get(f"{location}/errors", headers=admin.headers).json()
    assert errors["total"] == 1
    assert errors["items"] == [{"row": 9, "column": "status", "reason": errors["items"][0]["reason"]}]
    listing = client.get("/api/v1/registry/imports", headers=admin.headers).json()
    assert [item["id"] for item in listing["items"]] == [done["id"]]


def test_upload_with_a_bad_header_is_refused_at_once(client, make_staff):
    admin = make_staff("admin")

    response = _upload(client, admin, b"source,record,status\nx,y,z\n")

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/file"


def test_upload_by_a_case_officer_is_forbidden(client, make_staff):
    response = _upload(client, make_staff("case_officer"), csv_bytes(EXAMPLES))

    assert response.status_code == 403


def test_get_import_unknown_is_404(client, make_staff):
    response = client.get(f"/api/v1/registry/imports/{uuid.uuid4()}", headers=make_staff("admin").headers)

    assert response.status_code == 404


def test_read_person_as_officer_shows_restricted_fields_and_is_audited(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    officer = make_staff("case_officer")
    with unit_of_work(session_factory) as session:
        person_id = session.execute(
            select(RegistryPerson.public_id).where(RegistryPerson.source_record_id == "A-1")
        ).scalar_one()

    response = client.get(f"/api/v1/registry/persons/{person_id}", headers=officer.headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= RESTRICTED
    assert (body["surname"], body["date_of_birth"]) == ("Іванов", "1998-05-03")
    with unit_of_work(session_factory) as session:
        viewed = session.execute(select(AuditEvent).where(AuditEvent.action == "registry.person_viewed")).scalar_one()
    assert (viewed.actor, viewed.target_id) == (officer.id, str(person_id))


def test_search_persons_filters_by_source_and_status(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    auditor = make_staff("auditor")

    response = client.get(
        "/api/v1/registry/persons", params={"source": "list-a", "status": "in_captivity"}, headers=auditor.headers
    )

    assert response.status_code == 200
    assert sorted(p["source_record_id"] for p in response.json()["items"]) == ["A-1", "A-2", "A-3", "A-4", "A-5"]
    assert response.json()["total"] == 5


def test_read_persons_as_operator_is_forbidden(client, make_staff):
    response = client.get("/api/v1/registry/persons", headers=make_staff("operator").headers)

    assert response.status_code == 403


def test_person_schema_without_restricted_permission_omits_restricted_fields():
    person = RegistryPerson(public_id=uuid.uuid4(), source="s", source_record_id="r", status="deceased")
    person.confirmation_level, person.burial_place = "reported", "grave 12"
    reader_only = StaffPrincipal(
        uuid.uuid4(), "reader", ("custom",), frozenset({Permission.REGISTRY_READ}), uuid.uuid4()
    )
    officer = StaffPrincipal(
        uuid.uuid4(), "officer", ("case_officer",), permissions_for([Role.CASE_OFFICER]), uuid.uuid4()
    )
    person.created_at = person.updated_at = datetime.now(UTC)

    plain = person_out(reader_only, person)
    full = person_out(officer, person)

    assert type(plain) is RegistryPersonOut and not RESTRICTED & set(plain.model_dump())
    assert isinstance(full, RegistryPersonRestrictedOut) and full.model_dump()["burial_place"] == "grave 12"


def _lookup(client, staff, **body):
    response = client.post("/api/v1/registry/lookups", json=body, headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()["candidates"]


def _details(candidate) -> str:
    return " | ".join(f"{e['field']}: {e['detail']}" for e in candidate["explanation"])


def test_lookup_latin_name_and_year_finds_the_ukrainian_record(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)

    found = _lookup(client, make_staff("case_officer"), full_name="Ivanov Sergey Petrovich", date_of_birth="1998")

    best = found[0]
    assert (best["source_record_id"], best["source"], best["status"]) == ("A-1", "list-a", "in_captivity")
    assert best["strength"] in {"strong", "possible"}
    explained = {e["field"]: e for e in best["explanation"]}
    assert "Ukrainian" in explained["given name"]["detail"], _details(best)
    assert "1998" in explained["date of birth"]["detail"], _details(best)
    assert explained["surname"]["weight"] > 0


def test_lookup_genitive_finds_the_nominative_record(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)

    found = _lookup(client, make_staff("case_officer"), full_name="Иванова Сергея")

    assert {c["source_record_id"] for c in found[:2]} == {"B-7", "A-1"}
    surname = next(e for e in found[0]["explanation"] if e["field"] == "surname")
    assert "declined" in surname["detail"] and "Иванов" in surname["detail"], _details(found[0])


def test_lookup_nickname_with_swapped_day_and_month_finds_kuznetsov(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)

    found = _lookup(client, make_staff("case_officer"), full_name="Sasha Kuznetsov 1999-07-12")

    best = found[0]
    assert best["source_record_id"] == "A-2", [c["source_record_id"] for c in found]
    explained = {e["field"]: e for e in best["explanation"]}
    assert "swapped" in explained["date of birth"]["detail"], _details(best)
    assert "diminutive" in explained["given name"]["detail"], _details(best)


def test_lookup_is_audited_with_the_searched_names_hashed(client, make_staff, session_factory):
    import_rows(session_factory, [IVANOV_UA])
    officer = make_staff("case_officer")

    _lookup(client, officer, surname="Иванов", given_name="Сергей", limit=5)

    with unit_of_work(session_factory) as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "registry.lookup_performed")).scalar_one()
    assert event.actor == officer.id
    assert event.details["surname"].startswith("hmac-sha256:")
    assert event.details["limit"] == 5 and len(event.details["candidates"]) == 1


def test_lookup_limit_outside_1_to_50_is_422(client, make_staff):
    officer = make_staff("case_officer")
    for limit in (0, 51):
        response = client.post(
            "/api/v1/registry/lookups", json={"surname": "Иванов", "limit": limit}, headers=officer.headers
        )
        assert response.status_code == 422


def test_lookup_without_a_name_or_number_is_422(client, make_staff):
    response = client.post(
        "/api/v1/registry/lookups", json={"date_of_birth": "1990"}, headers=make_staff("case_officer").headers
    )

    assert response.status_code == 422


def test_lookup_unknown_field_is_422(client, make_staff):
    response = client.post(
        "/api/v1/registry/lookups", json={"surname": "X", "nickname": "Y"}, headers=make_staff("case_officer").headers
    )

    assert response.status_code == 422


def test_lookup_as_operator_is_forbidden(client, make_staff):
    response = client.post(
        "/api/v1/registry/lookups", json={"surname": "Иванов"}, headers=make_staff("operator").headers
    )

    assert response.status_code == 403


def test_lookup_default_limit_is_ten_best_first(client, make_staff, session_factory):
    rows = [{**IVANOV_RU, "source_record_id": f"B-{n}", "date_of_birth": f"{1970 + n}"} for n in range(15)]
    import_rows(session_factory, rows)

    found = _lookup(client, make_staff("case_officer"), surname="Иванов", given_name="Сергей")

    assert len(found) == 10
    scores = [c["score"] for c in found]
    assert scores == sorted(scores, reverse=True)


def test_lookup_with_an_age_reads_it_as_a_window_of_birth_dates(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    officer = make_staff("case_officer")

    response = client.post(
        "/api/v1/registry/lookups",
        json={"surname": "Иванов", "given_name": "Сергей", "age": 28, "age_stated_on": "2026-11-30"},
        headers=officer.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["candidates"][0]["source_record_id"] == "A-1"  # born 1998-05-03: 28 on 2026-11-30
    assert (body["interpretation"]["born_from"], body["interpretation"]["born_to"]) == ("1997-12-01", "1998-11-30")
    dob = next(e for e in body["candidates"][0]["explanation"] if e["field"] == "date of birth")
    assert "age 28 on 2026-11-30" in dob["detail"] and "fits" in dob["detail"] and dob["weight"] > 0
    older = next(c for c in body["candidates"] if c["source_record_id"] == "B-7")  # born 1985: contradicts
    assert next(e for e in older["explanation"] if e["field"] == "date of birth")["verdict"] == "mismatch"


def test_lookup_returns_how_a_free_text_inquiry_was_read(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    officer = make_staff("case_officer")

    response = client.post(
        "/api/v1/registry/lookups",
        json={"full_name": "рядовой Кузнецов А.И., 7 декабря 1999 г.р., в/ч 11111"},
        headers=officer.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    reading = body["interpretation"]
    assert (reading["surname"], reading["given_name"], reading["patronymic"]) == ("Кузнецов", "А.", "И.")
    assert (reading["date_of_birth"], reading["military_unit"]) == ("1999-12-07", "11111")
    assert reading["reading"] == "full name: surname and initials"
    assert any("7 декабря 1999" in note for note in reading["notes"])
    best = body["candidates"][0]
    assert best["source_record_id"] == "A-2"
    explained = {e["field"]: e for e in best["explanation"]}
    assert explained["given name"]["detail"] == "А. is consistent with Александр (initials)"
    assert explained["date of birth"]["verdict"] == "exact"
    assert explained["military unit"]["verdict"] == "exact"


def test_lookup_typed_in_the_latin_layout_says_so(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)

    found = client.post(
        "/api/v1/registry/lookups",
        json={"surname": "Repytwjd", "given_name": "Fktrcfylh", "date_of_birth": "07.12.1999"},
        headers=make_staff("case_officer").headers,
    ).json()

    assert found["candidates"][0]["source_record_id"] == "A-2"
    assert "typed in the Latin keyboard layout: Repytwjd = Кузнецов" in found["interpretation"]["notes"]
    assert any(
        e["field"] == "inquiry" and "Repytwjd = Кузнецов" in e["detail"] for e in found["candidates"][0]["explanation"]
    )


def test_lookup_age_out_of_range_is_422(client, make_staff):
    response = client.post(
        "/api/v1/registry/lookups", json={"surname": "Иванов", "age": 300}, headers=make_staff("case_officer").headers
    )

    assert response.status_code == 422
