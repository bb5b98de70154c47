"""The CPU half of an import batch: validate rows and compute their lookup keys, with no database.

Pure and picklable, so large imports run it in worker processes while the main process writes the previous batch
(key computation is most of an import's work). Results travel compactly (plain tuples, key digests packed as
64-bit arrays) because the main process pays for unpickling them. The database half (`app.registry.writer`) then
only merges rows with stored records and writes.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from app.registry import storage
from app.registry.csvformat import DATA_COLUMNS, Header, merged_values, parse_row, row_hash

RawRecord = tuple[int, list[str] | None, str | None]
"""(row number, cells, or None and why the CSV reader could not read the record)."""

PreparedRow = tuple[int, str, str, tuple[object, ...], str, bytes, int]
"""(row number, source, source_record_id, the record as if new in `DATA_COLUMNS` order, its digest, retrieval and
then frequency key digests as a packed `array('q')`, how many of those are retrieval keys)."""


@dataclass
class PreparedBatch:
    present: tuple[str, ...]
    """The data columns the file has; the others keep their stored values when a record is updated."""
    rows: list[PreparedRow] = field(default_factory=list)
    errors: list[tuple[int, str | None, str]] = field(default_factory=list)
    rejected: int = 0
    records: int = 0
    """Records of the file this batch covers (blank lines included), for resuming."""


NOT_COMPUTED = -1
"""`PreparedRow[6]` when the keys were skipped because the stored record looked unchanged."""


def unpack_keys(row: PreparedRow) -> tuple[Sequence[int], Sequence[int]]:
    """(retrieval, frequency) key digests of a prepared row (computed now if they were skipped)."""
    if row[6] == NOT_COMPUTED:
        retrieval, frequency = storage.stored_keys(dict(zip(DATA_COLUMNS, row[3], strict=True)))
        return list(retrieval), list(frequency)
    keys = array("q", row[5])
    return keys[: row[6]], keys[row[6] :]


def given_values(present: Sequence[str], row: PreparedRow) -> dict[str, object]:
    """The values the file gives for a prepared row (to lay over a stored record)."""
    values = dict(zip(DATA_COLUMNS, row[3], strict=True))
    return {c: values[c] for c in present}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Bulk work allocates millions of short-lived tuples; the cyclic collector would rescan the engine's large
    caches on every full collection (it made imports several times slower). Reference counting frees these objects;
    the young generations are still collected on the way out."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(1)


def prepare_batch(
    header: Header,
    batch: Sequence[RawRecord],
    today: date | None = None,
    stored_digests: Mapping[tuple[str, str], str] | None = None,
) -> PreparedBatch:
    """Validate a batch and compute keys; the last of several rows with one identity wins, earlier ones are
    reported as superseded.

    `stored_digests` (identity → row digest, read just before) lets an unchanged re-imported row skip its key
    computation; it is only a hint: the writer decides against the records as they are when it writes.
    """
    with gc_paused():
        return _prepare(header, batch, today or date.today(), stored_digests or {})


def _prepare(
    header: Header, batch: Sequence[RawRecord], today: date, stored_digests: Mapping[tuple[str, str], str]
) -> PreparedBatch:
    present = tuple(c for c in DATA_COLUMNS if c in header.positions)
    prepared = PreparedBatch(present=present, records=len(batch))
    seen: dict[tuple[str, str], int] = {}
    rows: list[PreparedRow | None] = []
    for number, cells, problem in batch:
        if cells is None:
            prepared.errors.append((number, None, problem or "unreadable"))
            prepared.rejected += 1
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank line
        parsed, problems = parse_row(header, cells, today=today)
        if parsed is None:
            prepared.errors.extend((number, column, reason) for column, reason in problems)
            prepared.rejected += 1
            continue
        identity = (parsed.source, parsed.source_record_id)
        earlier = seen.get(identity)
        if earlier is not None:
            earlier_row = rows[earlier]
            assert earlier_row is not None
            prepared.errors.append((earlier_row[0], "source_record_id", f"superseded by row {number} (same id)"))
            prepared.rejected += 1
            rows[earlier] = None
        values = merged_values(parsed.values, None)
        digest = row_hash(values)
        packed, retrieval_count = b"", NOT_COMPUTED
        if stored_digests.get(identity) != digest:
            retrieval, frequency = storage.stored_keys(values)
            keys = array("q", retrieval)
            keys.extend(frequency)
            packed, retrieval_count = keys.tobytes(), len(retrieval)
        seen[identity] = len(rows)
        rows.append(
            (
                number,
                parsed.source,
                parsed.source_record_id,
                tuple(values[c] for c in DATA_COLUMNS),
                digest,
                packed,
                retrieval_count,
            )
        )
    prepared.rows = [row for row in rows if row is not None]
    return prepared
