"""`make bench-lookup`: lookup latency and quality at 1,000,000 registry persons, against an exhaustive scan.

1. A synthetic registry of `--persons` persons (default 1,000,000) drawn from the development set's own name, date
   and place distributions (`bench/synth.py`), with the 30,000 development registry rows embedded at random places.
2. On SQLite and on PostgreSQL: import it through the real pipeline, then run every development query through the
   real lookup (one transaction per lookup, as the API does) and report p50/p95/p99 latency, recall@1, recall@10
   and the share of absent persons given a `strong` candidate.
3. The baseline: an exhaustive rapidfuzz scan over the same registry, in memory (no database cost at all): every
   person's "surname given patronymic date" string, in the engine's script-independent skeleton form so that Latin
   and Cyrillic spellings are comparable, ranked by `token_sort_ratio` against the query's. It takes about a second
   per query at 1M, so it runs on a sample of queries (`--scan-sample`); the engine's figures on the same sample
   are printed beside it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from app.matching import LookupQuery
from app.matching.evaluate import load_labels, load_queries
from app.matching.translit import vowel_skeleton
from app.registry.lookup import find_candidates
from app.transaction import unit_of_work
from bench.common import (
    BACKENDS,
    cleanup_scratch,
    cpu_note,
    databases,
    git_revision,
    percentile,
    scratch_dir,
    timed_import,
)
from bench.synth import DEV, synthetic_rows, write_csv


@dataclass
class Figures:
    latencies_ms: list[float] = field(default_factory=list)
    present: int = 0
    hit1: int = 0
    hit10: int = 0
    absent: int = 0
    absent_strong: int = 0

    def add(self, expected: str | None, ranked: Sequence[str], strong: bool, ms: float) -> None:
        self.latencies_ms.append(ms)
        if expected is None:
            self.absent += 1
            self.absent_strong += strong
            return
        self.present += 1
        self.hit1 += bool(ranked) and ranked[0] == expected
        self.hit10 += expected in ranked[:10]

    def line(self, label: str) -> str:
        lat = self.latencies_ms
        strong = f"{self.absent_strong / self.absent:.4f}" if self.absent else "n/a"
        return (
            f"{label:<34} p50 {percentile(lat, 50):8.2f} ms  p95 {percentile(lat, 95):8.2f} ms  "
            f"p99 {percentile(lat, 99):8.2f} ms  recall@1 {self.hit1 / max(self.present, 1):.4f}  "
            f"recall@10 {self.hit10 / max(self.present, 1):.4f}  absent-strong {strong}  (n={len(lat)})"
        )


def _skeleton_text(*parts: str | None) -> str:
    words: list[str] = []
    for part in parts:
        for word in (part or "").replace(",", " ").split():
            if any(ch.isdigit() for ch in word):
                words.append(word)
            else:
                skeleton = vowel_skeleton(word)
                if skeleton:
                    words.append(skeleton)
    return " ".join(words)


def _query_text(query: LookupQuery) -> str:
    return _skeleton_text(query.surname, query.given_name, query.patronymic, query.full_name, query.date_of_birth)


def run_scan(
    registry: Path, queries: Sequence[tuple[str, LookupQuery]], labels: dict[str, tuple[str | None, tuple[str, ...]]]
) -> Figures:
    import csv

    ids: list[str] = []
    texts: list[str] = []
    with registry.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ids.append(row["source_record_id"])
            texts.append(_skeleton_text(row["surname"], row["given_name"], row["patronymic"], row["date_of_birth"]))
    figures = Figures()
    for query_id, query in queries:
        started = time.perf_counter()
        best = process.extract(_query_text(query), texts, scorer=fuzz.token_sort_ratio, limit=10)
        ms = (time.perf_counter() - started) * 1000
        figures.add(labels[query_id][0], [ids[index] for _, _, index in best], False, ms)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--scan-sample", type=int, default=200, help="queries for the exhaustive scan baseline")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]

    print(f"bench-lookup at {git_revision()}: {args.persons:,} persons; {cpu_note()}", flush=True)
    workdir = scratch_dir()
    registry = workdir / "registry.csv"
    started = time.perf_counter()
    write_csv(registry, synthetic_rows(args.persons, embed_dev=True))
    print(f"synthetic registry written in {time.perf_counter() - started:.0f} s", flush=True)

    queries = load_queries(DEV / "queries.csv")
    labels = load_labels(DEV / "labels.csv")
    step = max(1, len(queries) // args.scan_sample)
    sample = queries[::step][: args.scan_sample]
    sample_ids = {query_id for query_id, _ in sample}
    engines: dict[str, tuple[Figures, Figures]] = {}

    with databases(backends) as dbs:
        for db in dbs:
            job, seconds = timed_import(db, registry)
            db.vacuum()
            print(
                f"[{db.backend}] imported {job.created:,} persons in {seconds:.0f} s "
                f"({job.rows_processed / seconds:,.0f} rows/s); database {db.size_mb():,.0f} MB",
                flush=True,
            )
            with unit_of_work(db.factory) as session:  # warm the caches the way a running service has them
                for _, query in queries[:200]:
                    find_candidates(session, query, limit=10)
            engine, engine_sample = Figures(), Figures()
            for query_id, query in queries:
                begun = time.perf_counter()
                with unit_of_work(db.factory) as session:
                    found = find_candidates(session, query, limit=10)
                ms = (time.perf_counter() - begun) * 1000
                ranked = [c.person.source_record_id for c in found]
                strong = any(c.match.strength == "strong" for c in found)
                engine.add(labels[query_id][0], ranked, strong, ms)
                if query_id in sample_ids:
                    engine_sample.add(labels[query_id][0], ranked, strong, ms)
            engines[db.backend] = (engine, engine_sample)
            print(engine.line(f"[{db.backend}] engine, all queries"), flush=True)

    started = time.perf_counter()
    scan = run_scan(registry, sample, labels)
    print(f"scan baseline over {len(sample)} queries took {time.perf_counter() - started:.0f} s", flush=True)

    print(f"\n=== bench-lookup: {args.persons:,} persons, {len(queries)} development queries ===")
    for backend, (engine, engine_sample) in engines.items():
        print(engine.line(f"engine {backend}, all queries"))
        print(engine_sample.line(f"engine {backend}, scan sample"))
    print(scan.line("exhaustive rapidfuzz scan, sample"))
    print("\ntargets:")
    scan_p50, scan_p95 = percentile(scan.latencies_ms, 50), percentile(scan.latencies_ms, 95)
    scan_recall10 = scan.hit10 / max(scan.present, 1)
    for backend, (engine, engine_sample) in engines.items():
        p95 = percentile(engine.latencies_ms, 95)
        speedup = scan_p50 / percentile(engine.latencies_ms, 50)
        recall10 = engine_sample.hit10 / max(engine_sample.present, 1)
        print(
            f"  {backend:<10} p95 {p95:.1f} ms <= 50 ms: {_ok(p95 <= 50)};  "
            f"{speedup:,.0f}x faster than the scan at p50 ({scan_p95 / p95:,.0f}x at p95) >= 50x: "
            f"{_ok(speedup >= 50)};  "
            f"recall@10 on the sample {recall10:.4f} >= scan {scan_recall10:.4f}: {_ok(recall10 >= scan_recall10)}"
        )


def _ok(passed: bool) -> str:
    return "OK" if passed else "MISSED"


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup_scratch()
