"""Measure the engine on a labelled set: `python -m app.matching.evaluate [DATA_DIR]`.

DATA_DIR holds `registry.csv`, `queries.csv` and `labels.csv` in the development-set format (default:
tests/data/matching). Prints recall@1, recall@10, the share of absent-person queries given a `strong` candidate,
a per-variation-kind breakdown, misses, and timings. The engine never reads labels or `registry-forms.csv`.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.matching.keys import record_keys
from app.matching.memory_index import MemoryIndex
from app.matching.model import LookupQuery, PersonRecord

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "matching"
HARD_DATA = DEFAULT_DATA.with_name("matching-hard")
HARD_STATED_ON = "2026-11-30"  # the hard set's ages were computed on this date (its README)


def _none(value: str | None) -> str | None:
    return value if value else None


def load_registry(path: Path) -> list[tuple[str, PersonRecord]]:
    """(source_record_id, record) pairs from a registry import CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            (
                row["source_record_id"],
                PersonRecord(
                    surname=_none(row["surname"]),
                    given_name=_none(row["given_name"]),
                    patronymic=_none(row["patronymic"]),
                    date_of_birth=_none(row["date_of_birth"]),
                    place_of_birth=_none(row.get("place_of_birth")),
                    service_number=_none(row.get("service_number")),
                    military_unit=_none(row.get("military_unit")),
                ),
            )
            for row in csv.DictReader(fh)
        ]


def load_queries(path: Path, *, stated_on: str | None = None) -> list[tuple[str, LookupQuery]]:
    """(query_id, query) pairs; `stated_on` is the date the inquiries were made (what their ages refer to)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            (
                row["query_id"],
                LookupQuery(
                    surname=_none(row["surname"]),
                    given_name=_none(row["given_name"]),
                    patronymic=_none(row["patronymic"]),
                    full_name=_none(row["full_name"]),
                    date_of_birth=_none(row["date_of_birth"]),
                    place_of_birth=_none(row["place_of_birth"]),
                    service_number=_none(row["service_number"]),
                    military_unit=_none(row["military_unit"]),
                    stated_on=stated_on,
                ),
            )
            for row in csv.DictReader(fh)
        ]


def load_labels(path: Path) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """query_id → (expected record id or None when absent, variation kinds)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["query_id"]: (_none(row["expected_source_record_id"]), tuple(row["variation"].split("+")))
            for row in csv.DictReader(fh)
        }


@dataclass
class Report:
    """Evaluation figures over one labelled set."""

    present: int = 0
    hit1: int = 0
    hit10: int = 0
    absent: int = 0
    absent_strong: int = 0
    present_strong_top: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    absent_by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)
    index_seconds: float = 0.0
    record_keys_us: float = 0.0
    lookup_ms: float = 0.0
    max_key_rows: int = 0
    mean_rows: float = 0.0
    keys_per_record: float = 0.0
    mean_query_keys: float = 0.0

    @property
    def recall_at_1(self) -> float:
        """Share of present persons ranked first."""
        return self.hit1 / self.present if self.present else 0.0

    @property
    def recall_at_10(self) -> float:
        """Share of present persons in the top ten."""
        return self.hit10 / self.present if self.present else 0.0

    @property
    def absent_strong_rate(self) -> float:
        """Share of absent-person queries whose candidates include a `strong` one."""
        return self.absent_strong / self.absent if self.absent else 0.0

    def render(self) -> str:
        """Human-readable summary."""
        lines = [
            f"present queries {self.present}: recall@1 {self.recall_at_1:.4f}, recall@10 {self.recall_at_10:.4f}, "
            f"top candidate strong {self.present_strong_top / max(self.present, 1):.3f}",
            f"absent queries {self.absent}: any strong candidate {self.absent_strong_rate:.4f} ({self.absent_strong})",
            f"record_keys {self.record_keys_us:.1f} µs/record (CPU, cold), {self.keys_per_record:.1f} keys/record; "
            f"index build {self.index_seconds:.1f} s",
            f"lookup {self.lookup_ms:.2f} ms/query (CPU); {self.mean_query_keys:.1f} keys and "
            f"{self.mean_rows:.0f} index rows per lookup (largest key {self.max_key_rows})",
            "per variation kind (queries, recall@1, recall@10):",
        ]
        for kind, (n, h1, h10) in sorted(self.by_kind.items(), key=lambda kv: (-kv[1][0], kv[0])):
            lines.append(f"  {kind:<34} {n:5d}  {h1 / n:.3f}  {h10 / n:.3f}")
        if self.absent_by_kind:
            lines.append("absent persons per kind (queries, share with a strong candidate):")
            for kind, (n, strong) in sorted(self.absent_by_kind.items(), key=lambda kv: (-kv[1][0], kv[0])):
                lines.append(f"  {kind:<34} {n:5d}  {strong / n:.3f}")
        return "\n".join(lines)


def evaluate(data_dir: Path = DEFAULT_DATA, *, limit: int | None = None, stated_on: str | None = None) -> Report:
    """Index the registry in DATA_DIR, run every query, compare with the labels."""
    registry = load_registry(data_dir / "registry.csv")
    queries = load_queries(data_dir / "queries.csv", stated_on=stated_on)
    labels = load_labels(data_dir / "labels.csv")
    if limit is not None:
        queries = queries[:limit]
    return evaluate_sets(registry, queries, labels)


def evaluate_sets(
    registry: Sequence[tuple[str, PersonRecord]],
    queries: Sequence[tuple[str, LookupQuery]],
    labels: Mapping[str, tuple[str | None, tuple[str, ...]]],
) -> Report:
    """Index `registry`, run every query, compare with `labels` (query id → expected record id or None, kinds).

    Timings are process CPU time, so that a busy machine distorts them less than wall-clock time would.
    """
    report = Report()

    started = time.process_time()
    for _, record in registry:
        record_keys(record)
    report.record_keys_us = (time.process_time() - started) / max(len(registry), 1) * 1e6
    report.keys_per_record = sum(len(record_keys(r)) for _, r in registry) / max(len(registry), 1)

    started = time.process_time()
    index: MemoryIndex[str] = MemoryIndex()
    index.add_all(registry)
    report.index_seconds = time.process_time() - started

    started = time.process_time()
    total_rows = 0
    total_keys = 0
    for query_id, query in queries:
        expected, kinds = labels[query_id]
        _, stats = index.candidates(query)
        total_rows += stats.rows
        total_keys += stats.keys
        report.max_key_rows = max(report.max_key_rows, stats.largest_key_rows)
        results = index.lookup(query, limit=10)
        ids = [rid for rid, _ in results]
        if expected is None:
            report.absent += 1
            strong = any(m.strength == "strong" for _, m in results)
            for kind in kinds:
                bucket = report.absent_by_kind[kind]
                bucket[0] += 1
                bucket[1] += strong
            if strong:
                report.absent_strong += 1
                report.misses.append(
                    f"ABSENT-STRONG {query_id} {'+'.join(kinds)} {query} -> {ids[:1]} {results[0][1].score:.3f}"
                )
            continue
        report.present += 1
        top1 = bool(ids) and ids[0] == expected
        top10 = expected in ids
        report.hit1 += top1
        report.hit10 += top10
        report.present_strong_top += bool(results) and results[0][1].strength == "strong" and top1
        for kind in kinds:
            bucket = report.by_kind[kind]
            bucket[0] += 1
            bucket[1] += top1
            bucket[2] += top10
        if not top1:
            tag = "MISS10" if not top10 else "MISS1"
            report.misses.append(f"{tag} {query_id} {'+'.join(kinds)} {query} -> {ids[:3]} want {expected}")
    report.lookup_ms = (time.process_time() - started) / max(len(queries), 1) * 1e3
    report.mean_rows = total_rows / max(len(queries), 1)
    report.mean_query_keys = total_keys / max(len(queries), 1)
    return report


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--misses", action="store_true", help="list queries whose person is not ranked first")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--stated-on", default=None, help="date the inquiries were made (ages refer to it), ISO")
    args = parser.parse_args()
    report = evaluate(args.data_dir, limit=args.limit, stated_on=args.stated_on)
    print(report.render())
    if args.misses:
        print("\n".join(report.misses))


if __name__ == "__main__":
    main()
