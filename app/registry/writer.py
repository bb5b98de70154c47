"""The database half of an import batch: merge prepared rows with stored records and write, in one transaction.

New persons get ids max(id)+1 in file order (writers are serialized by `lock_registry`), are inserted in bulk
(multi-row executemany on SQLite, COPY on PostgreSQL) with their keys, and add to the frequency counts. A stored
record whose digest is unchanged is left alone. A changed record is updated; if a column the keys depend on changed,
its old keys (recomputed from the stored fields) are removed, the new ones added, and the counts adjusted.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from app.db import is_postgresql, utcnow
from app.registry import storage
from app.registry.csvformat import DATA_COLUMNS, KEY_COLUMNS_ALL, Header, merged_values, row_hash
from app.registry.models import RegistryImport, RegistryImportError, RegistryPerson
from app.registry.prepare import PreparedBatch, RawRecord, given_values, unpack_keys

MAX_STORED_ERRORS = 10_000
"""Rejected rows beyond this many are counted but not itemized (a wrong file should not flood the database)."""
IMPORT_LOCK = 0x5245_4749_5354_5259  # "REGISTRY": pg_advisory_xact_lock id held by every registry writer

_PERSON_COLUMNS = ("id", "public_id", "source", "source_record_id", *DATA_COLUMNS, "row_hash", "last_import_id")
_INSERT_COLUMNS = (*_PERSON_COLUMNS, "created_at", "updated_at")
_UPDATE_COLUMNS = (*DATA_COLUMNS, "row_hash", "last_import_id", "updated_at")
_ALTERNATES = DATA_COLUMNS.index("alternate_names")
_ALL_COLUMNS = f"id, source_record_id, row_hash, {', '.join(DATA_COLUMNS)}"


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: Sequence[tuple[int, str | None, str]] = ()


SQLITE_IMPORT_CACHE_KIB = 262_144
"""Page cache of a connection writing a batch. A batch's keys land all over the key index; with SQLite's default
2 MiB cache, dirty pages spill to the WAL again and again within one transaction, and each is written once."""


def lock_registry(session: Session) -> None:
    """Serialize writers of registry persons and keys (SQLite's write lock already does)."""
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK})
    else:
        session.execute(text(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}"))


def _existing(
    session: Session, identities: Sequence[tuple[str, str]], *, columns: str = _ALL_COLUMNS
) -> dict[tuple[str, str], dict[str, Any]]:
    by_source: dict[str, list[str]] = {}
    for source, record_id in identities:
        by_source.setdefault(source, []).append(record_id)
    statement = text(
        f"SELECT {columns} FROM registry_person WHERE source = :source AND source_record_id IN :ids"  # noqa: S608
    ).bindparams(bindparam("ids", expanding=True))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for source, ids in by_source.items():
        for row in session.execute(statement, {"source": source, "ids": ids}).mappings():
            values = dict(row)
            if isinstance(values.get("alternate_names"), str):  # JSON text as SQLite returns it
                values["alternate_names"] = json.loads(values["alternate_names"])
            found[(source, values["source_record_id"])] = values
    return found


def stored_digests(session: Session, header: Header, batch: Sequence[RawRecord]) -> dict[tuple[str, str], str]:
    """The stored digests of the records a raw batch names (a hint that lets unchanged rows skip key work)."""
    at_source, at_id = header.positions["source"], header.positions["source_record_id"]
    identities = {
        (cells[at_source].strip(), cells[at_id].strip())
        for _, cells, _ in batch
        if cells is not None and len(cells) == header.width
    }
    if not identities:
        return {}
    found = _existing(session, sorted(identities), columns="id, source_record_id, row_hash")
    return {identity: str(row["row_hash"]) for identity, row in found.items()}


def _next_id(session: Session) -> int:
    last = session.execute(select(RegistryPerson.id).order_by(RegistryPerson.id.desc()).limit(1)).scalar()
    return int(last or 0) + 1


def write_batch(session: Session, job: RegistryImport, prepared: PreparedBatch) -> BatchResult:
    """Write one prepared batch in the session's transaction (the caller commits)."""
    lock_registry(session)
    result = BatchResult(rejected=prepared.rejected, errors=prepared.errors)
    existing = _existing(session, [(row[1], row[2]) for row in prepared.rows])
    next_id = _next_id(session)
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    new_keys: list[int] = []
    new_owners: list[int] = []
    added_keys: list[tuple[int, int]] = []
    removed_keys: list[tuple[int, int]] = []
    counts: Counter[int] = Counter()
    for row in prepared.rows:
        _, source, record_id, values_if_new, digest_if_new, _, _ = row
        stored = existing.get((source, record_id))
        if stored is None:
            person_id, next_id = next_id, next_id + 1
            retrieval, frequency = unpack_keys(row)
            new_keys.extend(retrieval)
            new_owners.extend(repeat(person_id, len(retrieval)))
            counts.update(frequency)
            inserts.append((person_id, uuid.uuid4(), source, record_id, *values_if_new, digest_if_new, job.id))
            result.created += 1
            continue
        old = {c: stored[c] for c in DATA_COLUMNS}
        values = merged_values(given_values(prepared.present, row), old)
        digest = row_hash(values)
        if digest == stored["row_hash"]:
            result.unchanged += 1
            continue
        person_id = stored["id"]
        if any(old.get(c) != values.get(c) for c in KEY_COLUMNS_ALL):
            old_retrieval, old_frequency = storage.stored_keys(old)
            new_retrieval, new_frequency = storage.stored_keys(values)
            removed_keys.extend((k, person_id) for k in old_retrieval - new_retrieval)
            added_keys.extend((k, person_id) for k in new_retrieval - old_retrieval)
            storage.count_deltas(old_frequency - new_frequency, -1, counts)
            storage.count_deltas(new_frequency - old_frequency, +1, counts)
        updates.append((*(values[c] for c in DATA_COLUMNS), digest, job.id, person_id))
        result.updated += 1
    counts[storage.TOTAL_KEY] += result.created
    first_persons = result.created > 0 and storage.is_empty(session)
    now = utcnow()
    if is_postgresql(session):
        _write_persons_pg(session, inserts, updates, now)
    else:
        _write_persons_sqlite(session, inserts, updates, now)
    storage.copy_new_keys(session, new_keys, new_owners)
    storage.delete_keys(session, removed_keys)
    storage.insert_keys(session, added_keys)
    storage.add_counts(session, counts)
    if first_persons:
        storage.stamp_key_scheme(session)
    _write_errors(session, job, prepared.errors)
    return result


def _write_errors(session: Session, job: RegistryImport, errors: Sequence[tuple[int, str | None, str]]) -> None:
    room = MAX_STORED_ERRORS - job.errors_stored
    if not errors or room <= 0:
        return
    kept = errors[:room]
    session.execute(
        insert(RegistryImportError),
        [{"import_id": job.id, "row": row, "column": column, "reason": reason[:300]} for row, column, reason in kept],
    )
    job.errors_stored += len(kept)


def _processor(session: Session, column: str) -> Callable[[Any], Any]:
    """How SQLAlchemy stores a value of this column on this database (uuid as hex, timestamps as text, ...)."""
    dialect = session.get_bind().dialect
    processor = RegistryPerson.__table__.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return processor or (lambda value: value)


def _write_persons_sqlite(
    session: Session, inserts: list[tuple[Any, ...]], updates: list[tuple[Any, ...]], now: datetime
) -> None:
    stamp = _processor(session, "created_at")(now)
    as_uuid, to_json = _processor(session, "public_id"), _processor(session, "alternate_names")

    def as_json(value: Any) -> Any:
        return None if value is None else to_json(value)

    import_id = _processor(session, "last_import_id")
    cur = storage.raw_connection(session).cursor()
    if inserts:
        rows = []
        for row in inserts:
            values = list(row)
            values[1], values[-1] = as_uuid(values[1]), import_id(values[-1])
            values[4 + _ALTERNATES] = as_json(values[4 + _ALTERNATES])
            rows.append((*values, stamp, stamp))
        marks = ", ".join("?" for _ in _INSERT_COLUMNS)
        cur.executemany(f"INSERT INTO registry_person ({', '.join(_INSERT_COLUMNS)}) VALUES ({marks})", rows)  # noqa: S608
    if updates:
        rows = []
        for row in updates:
            values = list(row)
            values[_ALTERNATES], values[-2] = as_json(values[_ALTERNATES]), import_id(values[-2])
            rows.append((*values[:-1], stamp, values[-1]))
        assignments = ", ".join(f"{c} = ?" for c in _UPDATE_COLUMNS)
        cur.executemany(f"UPDATE registry_person SET {assignments} WHERE id = ?", rows)  # noqa: S608
    cur.close()


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _write_persons_pg(
    session: Session, inserts: list[tuple[Any, ...]], updates: list[tuple[Any, ...]], now: datetime
) -> None:
    with storage.raw_connection(session).cursor() as cur:
        if inserts:
            with cur.copy(f"COPY registry_person ({', '.join(_INSERT_COLUMNS)}) FROM STDIN") as copy:
                for row in inserts:
                    values = list(row)
                    values[4 + _ALTERNATES] = _json_text(values[4 + _ALTERNATES])
                    copy.write_row((*values, now, now))
        if updates:
            rows = []
            for row in updates:
                values = list(row)
                values[_ALTERNATES] = _json_text(values[_ALTERNATES])
                rows.append((*values[:-1], now, values[-1]))
            assignments = ", ".join(f"{c} = %s" for c in _UPDATE_COLUMNS)
            cur.executemany(f"UPDATE registry_person SET {assignments} WHERE id = %s", rows)  # noqa: S608
