"""Registry imports: accept a file (API upload or command line), run the pipeline, account for it.

An upload is stored in the database in 1 MiB chunks and a `registry.import` job is enqueued in the same transaction,
so any worker on any host can process it and nothing is lost if a process dies. The job commits batch by batch
(progress is visible while it runs) and resumes after the last committed batch when it is retried. When the import
created or changed persons, it enqueues the re-search of open cases (`matches.research`).
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, BinaryIO

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.audit import Actor, record, system_actor
from app.db import utcnow
from app.errors import NotFound, Unprocessable
from app.jobs import enqueue
from app.registry import storage
from app.registry.csvformat import HeaderError, read_header
from app.registry.importer import file_chunks, run_import
from app.registry.models import ImportStatus, RegistryImport, RegistryImportChunk, RegistryImportError
from app.registry.writer import BatchResult
from app.transaction import commit_batch, rollback_batch

CHUNK_BYTES = 1 << 20
MAX_UPLOAD_BYTES = 2 << 30
MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=5)
"""A running import whose last batch is older than this is considered abandoned and is resumed."""
IMPORT_JOB = "registry.import"
RESEARCH_JOB = "matches.research"


class Superseded(RuntimeError):
    """Another run took the import over; this one stops without writing its batch."""


def _check_header(first: bytes) -> None:
    line = first.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable.field("#/file", "The file is not UTF-8 text.") from None
    try:
        cells = next(csv.reader([text]))
        read_header(cells)
    except (csv.Error, StopIteration):
        raise Unprocessable.field("#/file", "The first line is not a CSV header.") from None
    except HeaderError as exc:
        raise Unprocessable.field("#/file", f"The header is not valid: {exc}.") from exc


def create_upload(session: Session, *, actor: Actor, filename: str, stream: BinaryIO) -> RegistryImport:
    """Store an uploaded CSV and enqueue its import. The header is checked at once (422 when wrong).

    Chunks are written with Core inserts, so the session never holds more than one chunk in memory.
    """
    first = stream.read(CHUNK_BYTES)
    if not first:
        raise Unprocessable.field("#/file", "The file is empty.")
    _check_header(first)
    job = RegistryImport(filename=(filename or "upload.csv")[-255:], size_bytes=0, sha256="", requested_by=actor.id)
    session.add(job)
    session.flush()
    digest, size, seq, chunk = hashlib.sha256(), 0, 0, first
    while chunk:
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise Unprocessable.field("#/file", f"The file is larger than {MAX_UPLOAD_BYTES >> 30} GiB.")
        digest.update(chunk)
        session.execute(insert(RegistryImportChunk), {"import_id": job.id, "seq": seq, "data": chunk})
        seq, chunk = seq + 1, stream.read(CHUNK_BYTES)
    job.size_bytes, job.sha256 = size, digest.hexdigest()
    enqueue(
        session, IMPORT_JOB, {"import_id": str(job.id)}, dedupe_key=f"{IMPORT_JOB}:{job.id}", max_attempts=MAX_ATTEMPTS
    )
    record(
        session,
        actor=actor,
        action="registry.import_requested",
        target_type="registry_import",
        target_id=job.id,
        details={"filename": job.filename, "size_bytes": size, "sha256": job.sha256},
    )
    return job


def get_import(session: Session, import_id: uuid.UUID) -> RegistryImport:
    job = session.get(RegistryImport, import_id)
    if job is None:
        raise NotFound("No such import.")
    return job


def list_imports(session: Session, *, limit: int, offset: int) -> tuple[list[RegistryImport], int]:
    total = session.execute(select(func.count()).select_from(RegistryImport)).scalar_one()
    rows = session.execute(
        select(RegistryImport).order_by(RegistryImport.created_at.desc(), RegistryImport.id).limit(limit).offset(offset)
    )
    return list(rows.scalars()), total


def list_errors(
    session: Session, import_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[RegistryImportError], int]:
    job = get_import(session, import_id)
    query = select(RegistryImportError).where(RegistryImportError.import_id == job.id)
    rows = session.execute(query.order_by(RegistryImportError.id).limit(limit).offset(offset)).scalars()
    return list(rows), job.errors_stored


def _stored_chunks(session: Session, import_id: uuid.UUID) -> Iterator[bytes]:
    seq = 0
    while True:
        data = session.execute(
            select(RegistryImportChunk.data).where(
                RegistryImportChunk.import_id == import_id, RegistryImportChunk.seq == seq
            )
        ).scalar_one_or_none()
        if data is None:
            return
        yield data
        seq += 1


def _claim(session: Session, import_id: uuid.UUID) -> RegistryImport | None:
    """Take ownership of an import for this run, or None when it is finished or another run is alive."""
    job = session.get(RegistryImport, import_id, with_for_update=True)
    if job is None or job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
        return None
    now = utcnow()
    if job.status == ImportStatus.RUNNING and job.heartbeat_at and now - job.heartbeat_at < STALE_AFTER:
        return None
    job.status, job.run_token, job.heartbeat_at = ImportStatus.RUNNING.value, uuid.uuid4(), now
    job.started_at = job.started_at or now
    job.attempts += 1
    return job


def _interrupted(session: Session, import_id: uuid.UUID, token: uuid.UUID | None, error: BaseException) -> None:
    """After an unexpected error: hand the import back for a retry, or fail it after the last attempt."""
    rollback_batch(session)
    job = session.get(RegistryImport, import_id, with_for_update=True)
    if job is None or job.run_token != token:
        return
    if job.attempts >= MAX_ATTEMPTS:
        _finish(session, job, actor=system_actor(), failure=f"interrupted ({type(error).__name__})")
    else:
        job.status, job.run_token, job.heartbeat_at = ImportStatus.QUEUED.value, None, None
    commit_batch(session)


def _owned(session: Session, job: RegistryImport, token: uuid.UUID | None) -> None:
    current = session.execute(
        select(RegistryImport.run_token).where(RegistryImport.id == job.id).with_for_update()
    ).scalar_one()
    if current != token:
        raise Superseded(f"import {job.id} was taken over by another run")


def _finish(session: Session, job: RegistryImport, *, actor: Actor, failure: str | None = None) -> None:
    job.finished_at = utcnow()
    job.status = (ImportStatus.FAILED if failure else ImportStatus.SUCCEEDED).value
    job.failure = failure
    job.run_token = None
    session.execute(delete(RegistryImportChunk).where(RegistryImportChunk.import_id == job.id))
    counts = {
        "rows": job.rows_processed,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
    }
    record(
        session,
        actor=actor,
        action="registry.import_failed" if failure else "registry.imported",
        target_type="registry_import",
        target_id=job.id,
        details={
            "filename": job.filename,
            "sha256": job.sha256,
            "requested_by": job.requested_by,
            **counts,
            **({"failure": failure} if failure else {}),
        },
    )
    if job.created or job.updated:
        storage.refresh_statistics(session)
        enqueue(session, RESEARCH_JOB, {"import_id": str(job.id)}, dedupe_key=f"{RESEARCH_JOB}:{job.id}")
    session.flush()


def _run(
    session: Session,
    job: RegistryImport,
    chunks: Iterator[bytes],
    *,
    actor: Actor,
    on_batch: Callable[[RegistryImport, BatchResult], None] | None = None,
) -> RegistryImport:
    token = job.run_token

    def checkpoint(current: RegistryImport, result: BatchResult) -> None:
        _owned(session, current, token)
        commit_batch(session)
        if on_batch is not None:
            on_batch(current, result)

    try:
        reader = run_import(session, job, chunks, checkpoint=checkpoint)
    except HeaderError as exc:
        rollback_batch(session)
        job = session.get(RegistryImport, job.id) or job
        _finish(session, job, actor=actor, failure=str(exc))
        return job
    if not job.sha256:
        job.sha256 = reader.sha256.hexdigest()
    _finish(session, job, actor=actor)
    return job


def process_import(session: Session, payload: dict[str, Any]) -> None:
    """The background job: import an uploaded file, batch by batch, resuming after the last committed batch."""
    import_id = uuid.UUID(payload["import_id"])
    job = _claim(session, import_id)
    if job is None:
        return
    token = job.run_token
    commit_batch(session)
    try:
        _run(session, job, _stored_chunks(session, job.id), actor=system_actor())
    except Superseded:
        rollback_batch(session)
    except Exception as exc:
        _interrupted(session, import_id, token, exc)
        raise


def import_file(
    session: Session,
    stream: BinaryIO,
    *,
    filename: str,
    size_bytes: int,
    on_batch: Callable[[RegistryImport, BatchResult], None] | None = None,
) -> RegistryImport:
    """Import a local file in this process (the command line), committing batch by batch."""
    job = RegistryImport(filename=filename[-255:], size_bytes=size_bytes, sha256="", requested_by="system")
    session.add(job)
    session.flush()
    claimed = _claim(session, job.id)
    assert claimed is not None
    claimed.attempts = MAX_ATTEMPTS  # no retry from the command line: a failure is final
    token = claimed.run_token
    commit_batch(session)
    try:
        return _run(session, claimed, file_chunks(stream, CHUNK_BYTES), actor=system_actor(), on_batch=on_batch)
    except Stopped as exc:
        # The caller stopped it (too many rejected rows): what was committed stays, and a re-import resumes
        # idempotently; the import is recorded as failed with the reason.
        rollback_batch(session)
        stopped = session.get(RegistryImport, claimed.id)
        assert stopped is not None
        _finish(session, stopped, actor=system_actor(), failure=str(exc))
        commit_batch(session)
        return stopped
    except Exception as exc:
        _interrupted(session, claimed.id, token, exc)
        raise


class Stopped(Exception):
    """Raised by an `on_batch` callback of `import_file` to stop the import after the batch just committed."""
