"""An in-memory implementation of the lookup storage contract, for tests, evaluation and small deployments.

It does exactly what the database implementation does, so measurements made with it hold for the real thing:

1. `add` stores `record_keys(record)` in an inverted index (key → record ids) and increments a counter for each
   of `frequency_keys(record)`.
2. `lookup` probes `query_keys(query)`, counts shared keys per record (the `GROUP BY person_id ORDER BY count(*)`
   step), keeps the `candidate_cap` best-counted records (ties by id, so results are deterministic), fetches the
   counts for `query_frequency_keys(query)` and scores each candidate with `score` (prepared once per lookup,
   `prepare_query`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.matching.keys import frequency_keys, query_frequency_keys, query_keys, record_keys
from app.matching.model import LookupQuery, Match, PersonRecord
from app.matching.scoring import prepare_query

RecordId = TypeVar("RecordId", bound=Hashable)

DEFAULT_CANDIDATE_CAP = 300


@dataclass(frozen=True, slots=True)
class ProbeStats:
    """What one lookup cost: keys probed, index rows read (the SQL fan-out) and candidates scored."""

    keys: int
    rows: int
    largest_key_rows: int
    candidates: int


@dataclass
class MemoryIndex(Generic[RecordId]):
    """Inverted index of retrieval keys plus registry-wide frequency counts."""

    candidate_cap: int = DEFAULT_CANDIDATE_CAP
    _postings: defaultdict[str, list[RecordId]] = field(default_factory=lambda: defaultdict(list))
    _records: dict[RecordId, PersonRecord] = field(default_factory=dict)
    _frequencies: Counter[str] = field(default_factory=Counter)
    _order: dict[RecordId, int] = field(default_factory=dict)

    def add(self, record_id: RecordId, record: PersonRecord) -> None:
        """Index one registry person; ids must be unique."""
        if record_id in self._records:
            raise ValueError(f"duplicate record id {record_id!r}")
        self._records[record_id] = record
        self._order[record_id] = len(self._order)
        for key in record_keys(record):
            self._postings[key].append(record_id)
        self._frequencies.update(frequency_keys(record))

    def add_all(self, records: Iterable[tuple[RecordId, PersonRecord]]) -> None:
        """Index many registry persons."""
        for record_id, record in records:
            self.add(record_id, record)

    def __len__(self) -> int:
        return len(self._records)

    def record(self, record_id: RecordId) -> PersonRecord:
        """The stored record for an id."""
        return self._records[record_id]

    def candidates(self, query: LookupQuery) -> tuple[list[RecordId], ProbeStats]:
        """Record ids sharing the most keys with the query, at most `candidate_cap`, and the probe's cost."""
        keys = query_keys(query)
        shared: Counter[RecordId] = Counter()
        rows = 0
        largest = 0
        for key in keys:
            postings = self._postings.get(key)
            if not postings:
                continue
            rows += len(postings)
            largest = max(largest, len(postings))
            shared.update(postings)
        ranked = sorted(shared.items(), key=lambda item: (-item[1], self._order[item[0]]))
        chosen = [record_id for record_id, _ in ranked[: self.candidate_cap]]
        return chosen, ProbeStats(len(keys), rows, largest, len(chosen))

    def lookup(self, query: LookupQuery, limit: int = 10) -> list[tuple[RecordId, Match]]:
        """The `limit` best-scored candidates for a query, best first."""
        chosen, _ = self.candidates(query)
        wanted = query_frequency_keys(query)
        frequencies = {key: self._frequencies[key] for key in wanted if key in self._frequencies}
        total = len(self._records)
        prepared = prepare_query(query, frequencies, total)
        # Rank on the score alone, then build the explained matches of the ones returned (same floats, same order).
        ranked = [(prepared.value(self._records[record_id]), record_id) for record_id in chosen]
        ranked.sort(key=lambda item: (-item[0], self._order[item[1]]))
        return [(record_id, prepared.score(self._records[record_id])) for _, record_id in ranked[:limit]]
