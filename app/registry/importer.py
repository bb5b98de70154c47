"""The streaming import pipeline: CSV in, registry persons and their lookup keys out, in constant memory.

Records are read in batches of `BATCH_ROWS`. Each batch is prepared (validated, keys computed: `prepare`) and then
written in one transaction (`writer`), with the import's progress and its rejected rows; `checkpoint` commits it.
A crash therefore loses at most the batch in flight, and a resumed import skips the records already committed.

Key computation is most of the work, so a large file is prepared by a pool of worker processes (one per core) while
the main process reads ahead and writes: at most `IN_FLIGHT` batches are in memory at any time.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.db import utcnow
from app.registry.csvformat import HeaderError, read_header
from app.registry.models import RegistryImport
from app.registry.prepare import PreparedBatch, RawRecord, gc_paused, prepare_batch
from app.registry.writer import BatchResult, stored_digests, write_batch

BATCH_ROWS = 20_000
"""Rows per transaction. Larger batches touch each page of the key index fewer times per row (keys are spread
uniformly over the index), at a few tens of megabytes of memory per batch in flight."""
PARALLEL_MIN_BYTES = 4 << 20
"""Files from this size on are prepared in worker processes (starting them costs about a second)."""
IN_FLIGHT = 3

Checkpoint = Callable[[RegistryImport, BatchResult], None]
"""Called after each batch has been written: commits it (and reports progress)."""


class CountingReader(io.RawIOBase):
    """A raw byte stream over chunks that counts and hashes what was read (progress and the file's digest)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self.bytes_read = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self.sha256.update(self._pending[:size])
        self._pending = self._pending[size:]
        self.bytes_read += size
        return size


def file_chunks(stream: Any, size: int = 1 << 20) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk


def _records(reader: Any) -> Iterator[RawRecord]:
    """(row number, cells or None, csv problem) for every record after the header; row 1 is the header."""
    row = 1
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield row, None, f"not readable as CSV ({str(exc)[:120]})"
            continue
        yield row, cells, None


class _Inline(Executor):
    """Prepare in this process (small files): same interface as the pool."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _executor(size_bytes: int) -> Executor:
    workers = min(2, os.cpu_count() or 1)
    if size_bytes < PARALLEL_MIN_BYTES or workers < 2:
        return _Inline()
    # spawn, not fork: a forked child would share the parent's database connections.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def run_import(
    session: Session,
    job: RegistryImport,
    chunks: Iterator[bytes],
    *,
    checkpoint: Checkpoint,
    batch_rows: int | None = None,
) -> CountingReader:
    """Import a CSV stream into the registry, committing via `checkpoint` after each batch.

    Raises `HeaderError` when the file cannot be imported at all (nothing has been written then). Resumes after
    `job.rows_processed` records, so a retried job does not count or report the same rows twice.
    """
    raw = CountingReader(chunks)
    stream = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(stream, strict=True)
    try:
        header_cells = next(reader)
    except StopIteration:
        raise HeaderError("the file is empty") from None
    except csv.Error as exc:
        raise HeaderError(f"the header is not readable as CSV ({str(exc)[:120]})") from exc
    header = read_header(header_cells)
    records = _records(reader)
    for _ in itertools.islice(records, job.rows_processed):
        pass
    today = date.today()
    pending: deque[tuple[Future[PreparedBatch], int]] = deque()
    executor = _executor(job.size_bytes)
    with executor, gc_paused():
        while True:
            while len(pending) < IN_FLIGHT:
                batch = list(itertools.islice(records, batch_rows or BATCH_ROWS))
                if not batch:
                    break
                hint = stored_digests(session, header, batch)
                pending.append((executor.submit(prepare_batch, header, batch, today, hint), raw.bytes_read))
            if not pending:
                break
            future, bytes_read = pending.popleft()
            prepared = future.result()
            result = write_batch(session, job, prepared)
            job.rows_processed += prepared.records
            job.bytes_processed = bytes_read
            job.created += result.created
            job.updated += result.updated
            job.unchanged += result.unchanged
            job.rejected += result.rejected
            job.heartbeat_at = utcnow()
            session.flush()
            checkpoint(job, result)
            gc.collect(0)
    job.bytes_processed = raw.bytes_read
    return raw
