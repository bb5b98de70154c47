"""The import pipeline on both databases: upserts, row-level errors, keys and counts kept exact."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.jobs.models import Job
from app.matching import LookupQuery
from app.matching.memory_index import MemoryIndex
from app.registry import storage
from app.registry.importer import file_chunks, run_import
from app.registry.lookup import find_candidates
from app.registry.models import RegistryImport, RegistryImportError, RegistryKey, RegistryKeyCount, RegistryPerson
from app.registry.rekey import rebuild_keys
from app.transaction import unit_of_work
from tests.registry.factories import (
    BASE_COLUMNS,
    EXAMPLES,
    IVANOV_RU,
    IVANOV_UA,
    KUZNETSOV,
    csv_bytes,
    generated_rows,
    import_bytes,
    import_rows,
)


def _key_tables(factory: sessionmaker[Session]) -> tuple[set[tuple[int, int]], dict[int, int]]:
    with unit_of_work(factory) as session:
        keys = set(session.execute(select(RegistryKey.key, RegistryKey.person_id)).all())
        counts = dict(session.execute(select(RegistryKeyCount.key, RegistryKeyCount.count)).all())
    return keys, counts


def _persons(factory: sessionmaker[Session]) -> dict[str, RegistryPerson]:
    with unit_of_work(factory) as session:
        return {p.source_record_id: p for p in session.execute(select(RegistryPerson)).scalars()}


def test_import_valid_rows_creates_persons_with_keys_and_counts(session_factory):
    job = import_rows(session_factory, EXAMPLES)

    assert (job.status, job.created, job.rejected, job.rows_processed) == ("succeeded", 7, 0, 7)
    persons = _persons(session_factory)
    assert persons["A-1"].date_of_birth == "1998-05-03"  # DD.MM.YYYY read as ISO
    assert persons["A-1"].confirmation_level == "reported"
    keys, counts = _key_tables(session_factory)
    assert {p for _, p in keys} == {p.id for p in persons.values()}
    assert counts[storage.TOTAL_KEY] == 7


def test_import_same_file_twice_leaves_every_row_unchanged(session_factory):
    data = csv_bytes(EXAMPLES)
    import_bytes(session_factory, data)
    before = _key_tables(session_factory)

    again = import_bytes(session_factory, data)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert len(_persons(session_factory)) == 7
    assert _key_tables(session_factory) == before


def test_import_bad_rows_imports_the_good_ones_and_reports_each(session_factory):
    good = [IVANOV_UA, KUZNETSOV]
    bad = [
        {**IVANOV_RU, "status": "missing"},
        {**IVANOV_RU, "source_record_id": "B-9", "date_of_birth": "31.02.1990"},
        {**IVANOV_RU, "source_record_id": ""},
        {**IVANOV_RU, "source_record_id": "B-10", "surname": "", "service_number": ""},
        {**IVANOV_RU, "source_record_id": "B-11", "patronymic": "x" * 101},
    ]
    data = csv_bytes([good[0], *bad, good[1]])
    data += b"list-b,B-12,deceased,\xff\xfeBroken,Name,,,,,,\r\n"  # not UTF-8
    data += b"list-b,B-13,deceased,Short\r\n"  # too few fields

    job = import_bytes(session_factory, data)

    assert (job.status, job.created, job.rejected) == ("succeeded", 2, 7)
    assert set(_persons(session_factory)) == {"A-1", "A-2"}
    with unit_of_work(session_factory) as session:
        errors = session.execute(
            select(RegistryImportError.row, RegistryImportError.column, RegistryImportError.reason).order_by(
                RegistryImportError.row
            )
        ).all()
    assert [(row, column) for row, column, _ in errors] == [
        (3, "status"),
        (4, "date_of_birth"),
        (5, "source_record_id"),
        (6, "surname"),
        (7, "patronymic"),
        (9, "surname"),
        (10, None),
    ]
    assert all("Broken" not in reason and "xxx" not in reason for _, _, reason in errors)


def test_import_corrected_row_updates_person_keys_and_counts(session_factory):
    import_rows(session_factory, EXAMPLES)
    corrected = {**KUZNETSOV, "surname": "Кузьмин", "status": "released"}

    job = import_rows(session_factory, [corrected])

    assert (job.created, job.updated) == (0, 1)
    person = _persons(session_factory)["A-2"]
    assert (person.surname, person.status, person.last_import_id) == ("Кузьмин", "released", job.id)
    after = _key_tables(session_factory)
    with unit_of_work(session_factory) as session:
        rebuild_keys(session)
    assert _key_tables(session_factory) == after  # incremental maintenance equals a full rebuild
    with unit_of_work(session_factory) as session:
        found = find_candidates(session, LookupQuery(surname="Кузьмин", given_name="Александр"), limit=3)
    assert found[0].person.source_record_id == "A-2"


def test_import_file_without_a_column_keeps_its_stored_values(session_factory):
    import_rows(session_factory, [IVANOV_UA])
    columns = ("source", "source_record_id", "status", "surname", "given_name")

    job = import_rows(session_factory, [{**IVANOV_UA, "status": "released"}], columns=columns)

    assert job.updated == 1
    person = _persons(session_factory)["A-1"]
    assert (person.status, person.patronymic, person.service_number) == ("released", "Петрович", "АБ-123456")


def test_import_duplicate_id_in_one_file_keeps_the_last_row_and_reports_the_first(session_factory):
    job = import_rows(session_factory, [IVANOV_UA, {**IVANOV_UA, "status": "deceased"}])

    assert (job.created, job.rejected) == (1, 1)
    assert _persons(session_factory)["A-1"].status == "deceased"


def test_import_unknown_column_refuses_the_file_and_writes_nothing(session_factory):
    job = import_rows(session_factory, [IVANOV_UA], columns=(*BASE_COLUMNS, "date_birth"))

    assert job.status == "failed"
    assert job.failure is not None and "date_birth" in job.failure
    assert _persons(session_factory) == {}


def test_import_records_one_audit_event_with_counts_and_queues_the_research(session_factory):
    job = import_rows(session_factory, [IVANOV_UA, {**IVANOV_RU, "status": "nope"}])

    with unit_of_work(session_factory) as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "registry.imported")).scalar_one()
        kinds = list(session.execute(select(Job.kind)).scalars())
    assert event.target_id == str(job.id)
    assert {k: event.details[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert kinds == ["matches.research"]


def test_import_resumed_job_skips_the_committed_rows(session_factory):
    rows = list(generated_rows(12))
    data = csv_bytes(rows)
    with unit_of_work(session_factory) as session:
        job = RegistryImport(filename="x.csv", size_bytes=len(data), sha256="", requested_by="system")
        session.add(job)
        session.flush()
        job.rows_processed = 5  # as if a first run had committed five rows and died
        run_import(session, job, file_chunks(io.BytesIO(data)), checkpoint=lambda *_: None, batch_rows=4)
        assert (job.rows_processed, job.created) == (12, 7)
        ids = set(session.execute(select(RegistryPerson.source_record_id)).scalars())
    assert ids == {r["source_record_id"] for r in rows[5:]}


def test_lookup_from_the_database_equals_the_memory_index(session_factory):
    rows = [*EXAMPLES, *generated_rows(400)]
    import_rows(session_factory, rows)
    index: MemoryIndex[str] = MemoryIndex(candidate_cap=storage.CANDIDATE_CAP)
    for row in rows:
        index.add(row["source_record_id"], storage.person_records({**row, "date_of_birth": _iso(row)})[0])
    queries = [
        LookupQuery(full_name="Ivanov Sergey Petrovich", date_of_birth="1998"),
        LookupQuery(surname="Петренко", given_name="Андрей"),
        LookupQuery(full_name="Kovalenko Sergei 1975"),
        LookupQuery(service_number="ab 000123"),
        LookupQuery(surname="Сидоров"),
    ]
    with unit_of_work(session_factory) as session:
        for query in queries:
            found = find_candidates(session, query, limit=10)
            ours = [(c.person.source_record_id, round(c.match.score, 9)) for c in found]
            reference = [(rid, round(m.score, 9)) for rid, m in index.lookup(query, limit=10)]
            assert ours == reference, query


def _iso(row: dict[str, str]) -> str:
    value = row["date_of_birth"]
    if "." in value:
        day, month, year = value.split(".")
        return f"{year}-{month}-{day}"
    return value


@pytest.mark.slow
def test_import_100k_rows_twice_leaves_100k_persons(session_factory):
    data = csv_bytes(generated_rows(100_000))

    first = import_bytes(session_factory, data)
    second = import_bytes(session_factory, data)

    assert (first.created, first.rejected) == (100_000, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 100_000)
    with unit_of_work(session_factory) as session:
        assert session.execute(select(func.count()).select_from(RegistryPerson)).scalar_one() == 100_000
        total = session.get(RegistryKeyCount, storage.TOTAL_KEY)
        assert total is not None and total.count == 100_000
