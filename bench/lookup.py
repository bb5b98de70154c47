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
import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from app.audit import system_actor
from app.auth.service import open_session
from app.config import Settings
from app.matching import LookupQuery
from app.matching.evaluate import HARD_STATED_ON, load_labels, load_queries
from app.matching.translit import vowel_skeleton
from app.registry.lookup import find_candidates
from app.staff.service import create_user
from app.transaction import unit_of_work
from bench.common import (
    BACKENDS,
    Database,
    cleanup_scratch,
    cpu_note,
    databases,
    git_revision,
    percentile,
    scratch_dir,
    timed_import,
)
from bench.synth import DEV, HARD, synthetic_rows, write_csv
from tests.support.postgres import _free_port

Labels = dict[str, tuple[str | None, tuple[str, ...]]]


@dataclass
class Figures:
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU per lookup (in-process runs only)
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
            + (
                f"; CPU p50 {percentile(self.cpu_ms, 50):.2f} ms p95 {percentile(self.cpu_ms, 95):.2f} ms"
                if self.cpu_ms
                else ""
            )
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


def _run_in_process(
    db: Database, queries: Sequence[tuple[str, LookupQuery]], labels: Labels, sample_ids: set[str] | None = None
) -> tuple[Figures, Figures]:
    """Every query through `find_candidates`, one transaction each (as the API does)."""
    figures, sample = Figures(), Figures()
    for query_id, query in queries:
        begun, cpu_begun = time.perf_counter(), time.process_time()
        with unit_of_work(db.factory) as session:
            found = find_candidates(session, query, limit=10)
        ms = (time.perf_counter() - begun) * 1000
        figures.cpu_ms.append((time.process_time() - cpu_begun) * 1000)
        ranked = [c.person.source_record_id for c in found]
        strong = any(c.match.strength == "strong" for c in found)
        figures.add(labels[query_id][0], ranked, strong, ms)
        if sample_ids is not None and query_id in sample_ids:
            sample.add(labels[query_id][0], ranked, strong, ms)
    return figures, sample


def _body(query: LookupQuery) -> dict[str, object]:
    body: dict[str, object] = {
        name: getattr(query, name)
        for name in ("surname", "given_name", "patronymic", "full_name", "date_of_birth", "place_of_birth")
        if getattr(query, name)
    }
    body.update(
        {k: v for k, v in (("service_number", query.service_number), ("military_unit", query.military_unit)) if v}
    )
    if query.stated_on:
        body["age_stated_on"] = query.stated_on
    return body


def _run_http(
    db: Database, sets: Sequence[tuple[str, Sequence[tuple[str, LookupQuery]], Labels]]
) -> tuple[dict[str, Figures], int]:
    """The same queries over HTTP against one API worker (`liaison serve`, loopback, a free port); returns the
    figures per set and the worker's peak resident memory in bytes."""
    signing_key = "bench-" + "k" * 40
    with unit_of_work(db.factory) as session:
        user = create_user(
            session,
            actor=system_actor(),
            username="bench-officer",
            email="bench-officer@bench.invalid",
            full_name="Bench Officer",
            password="bench-password-" + "x" * 12,
            roles=["case_officer"],
        )
        settings = Settings(environment="test", database_url=db.url, jwt_signing_key=signing_key)
        token = open_session(session, settings, user).access_token
    port = _free_port()
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": db.url,
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_JWT_SIGNING_KEY": signing_key,
        "LIAISON_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, Figures] = {}
    try:
        conn = _connect(port)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for label, queries, labels in sets:
            for _, query in queries[:100]:  # warm up, as a running service is
                _post(conn, headers, _body(query))
            figures = Figures()
            for query_id, query in queries:
                begun = time.perf_counter()
                answer = _post(conn, headers, _body(query))
                ms = (time.perf_counter() - begun) * 1000
                found = answer["candidates"]
                figures.add(
                    labels[query_id][0],
                    [c["source_record_id"] for c in found],
                    any(c["strength"] == "strong" for c in found),
                    ms,
                )
            results[label] = figures
        conn.close()
        peak = _peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results, peak


def _connect(port: int) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 120
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return conn
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _post(conn: http.client.HTTPConnection, headers: dict[str, str], body: dict[str, object]) -> dict[str, Any]:
    conn.request("POST", "/api/v1/registry/lookups", body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"lookup answered {response.status}: {data[:300]!r}")
    result: dict[str, Any] = json.loads(data)
    return result


def _peak_rss(pid: int) -> int:
    """Peak resident set size (VmHWM) of a process, bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--scan-sample", type=int, default=200, help="queries for the exhaustive scan baseline")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--no-http", action="store_true", help="in-process lookups only")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    target_p95 = 10.0 if args.persons <= 1_000_000 else 30.0

    print(f"bench-lookup at {git_revision()}: {args.persons:,} persons; {cpu_note()}", flush=True)
    workdir = scratch_dir()
    registry = workdir / "registry.csv"
    started = time.perf_counter()
    write_csv(registry, synthetic_rows(args.persons, embed_dev=True, embed_hard=True))
    print(f"synthetic registry written in {time.perf_counter() - started:.0f} s", flush=True)

    queries = load_queries(DEV / "queries.csv")
    labels = load_labels(DEV / "labels.csv")
    hard_queries = load_queries(HARD / "queries.csv", stated_on=HARD_STATED_ON)
    hard_labels = load_labels(HARD / "labels.csv")
    step = max(1, len(queries) // args.scan_sample)
    sample = queries[::step][: args.scan_sample]
    sample_ids = {query_id for query_id, _ in sample}
    results: dict[str, dict[str, Figures]] = {}
    rss: dict[str, int] = {}

    with databases(backends) as dbs:
        for db in dbs:
            job, seconds = timed_import(db, registry)
            db.vacuum()
            print(
                f"[{db.backend}] imported {job.created:,} persons in {seconds:.0f} s "
                f"({job.rows_processed / seconds:,.0f} rows/s); database {db.size_mb():,.0f} MB; "
                f"load average {_loadavg()}",
                flush=True,
            )
            with unit_of_work(db.factory) as session:  # warm the caches the way a running service has them
                for _, query in queries[:200]:
                    find_candidates(session, query, limit=10)
            engine, engine_sample = _run_in_process(db, queries, labels, sample_ids)
            hard, _ = _run_in_process(db, hard_queries, hard_labels)
            results[db.backend] = {
                "dev, in-process": engine,
                "dev, scan sample": engine_sample,
                "hard, in-process": hard,
            }
            for label, figures in results[db.backend].items():
                print(figures.line(f"[{db.backend}] {label}"), flush=True)
            if not args.no_http:
                over_http, rss[db.backend] = _run_http(
                    db, [("dev", queries, labels), ("hard", hard_queries, hard_labels)]
                )
                for label, figures in over_http.items():
                    results[db.backend][f"{label}, HTTP"] = figures
                    print(figures.line(f"[{db.backend}] {label}, HTTP"), flush=True)
                print(f"[{db.backend}] API worker peak RSS {rss[db.backend] / 2**20:,.0f} MB", flush=True)

    started = time.perf_counter()
    scan = run_scan(registry, sample, labels)
    print(f"scan baseline over {len(sample)} queries took {time.perf_counter() - started:.0f} s", flush=True)

    print(
        f"\n=== bench-lookup: {args.persons:,} persons, {len(queries)} development and {len(hard_queries)} hard "
        f"queries; load average {_loadavg()} ==="
    )
    for backend, figures in results.items():
        for label, figure in figures.items():
            print(figure.line(f"engine {backend}, {label}"))
    print(scan.line("exhaustive rapidfuzz scan, sample"))
    print("\ntargets:")
    scan_p50, scan_p95 = percentile(scan.latencies_ms, 50), percentile(scan.latencies_ms, 95)
    scan_recall10 = scan.hit10 / max(scan.present, 1)
    for backend, figures in results.items():
        for label in ("dev, in-process", "dev, HTTP", "hard, in-process", "hard, HTTP"):
            if label not in figures:
                continue
            figure = figures[label]
            p95 = percentile(figure.latencies_ms, 95)
            ratio50 = scan_p50 / percentile(figure.latencies_ms, 50)
            print(
                f"  {backend:<10} {label:<17} p95 {p95:.1f} ms <= {target_p95:.0f} ms: {_ok(p95 <= target_p95)};  "
                f"{ratio50:,.0f}x faster than the scan at p50 ({scan_p95 / p95:,.0f}x at p95)"
            )
        sample_recall = figures["dev, scan sample"].hit10 / max(figures["dev, scan sample"].present, 1)
        print(f"  {backend:<10} recall@10 on the scan sample {sample_recall:.4f} vs scan {scan_recall10:.4f}")
        hard = figures["hard, in-process"]
        print(
            f"  {backend:<10} hard set recall@1 {hard.hit1 / max(hard.present, 1):.4f} >= 0.95: "
            f"{_ok(hard.hit1 / max(hard.present, 1) >= 0.95)}; recall@10 {hard.hit10 / max(hard.present, 1):.4f} "
            f">= 0.98: {_ok(hard.hit10 / max(hard.present, 1) >= 0.98)}"
        )
        if backend in rss:
            print(
                f"  {backend:<10} API worker peak RSS {rss[backend] / 2**20:,.0f} MB < 500 MB: "
                f"{_ok(rss[backend] < 500 * 2**20)}"
            )


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _ok(passed: bool) -> str:
    return "OK" if passed else "MISSED"


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup_scratch()
