"""`make bench-import`: registry import throughput on SQLite and PostgreSQL.

For each backend, into a fresh database: a first import of `--rows` synthetic persons (everything new: validation,
key computation, persons, keys and counts written), a re-import of the same file (every row unchanged), and a
corrected list in which one row in ten changed its name or status (updates with key and count maintenance).
Rows per second include everything the lookup needs. Target: >= 20,000 rows/s at 1,000,000 rows on this 2-core
machine, and a 1,000,000-row SQLite import in under a minute.

Each import is set against an anchor run in the same process on the same file: on SQLite a bare `executemany` of
the parsed CSV rows into a table of the same columns (no validation, no keys, one transaction); on PostgreSQL a
`COPY` of the same CSV into such a table. The ratio (import rows/s ÷ anchor rows/s) says how much of the database's
own bulk speed the import keeps, whatever else the machine is doing at the time; the load average is printed too.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path

from sqlalchemy import create_engine

from bench.common import (
    BACKENDS,
    Database,
    cleanup_scratch,
    cpu_note,
    databases,
    git_revision,
    postgres_cpu_seconds,
    python_cpu_seconds,
    scratch_dir,
    timed_import,
)
from bench.synth import COLUMNS, synthetic_rows, write_csv

TARGET = 20_000
ANCHORS = {"sqlite": "bare executemany", "postgresql": "COPY of the CSV"}
SQLITE_MINUTE_ROWS = 1_000_000


def corrected_copy(source: Path, target: Path, *, share: float = 0.1, seed: int = 7) -> int:
    """The same list with `share` of its rows corrected: a surname respelled or a status changed."""
    rng = random.Random(seed)
    changed = 0
    with source.open(encoding="utf-8", newline="") as fin, target.open("w", encoding="utf-8", newline="") as fout:
        writer = csv.DictWriter(fout, fieldnames=COLUMNS)
        writer.writeheader()
        for row in csv.DictReader(fin):
            if rng.random() < share:
                changed += 1
                if rng.random() < 0.5:
                    row["surname"] = row["surname"] + "а" if row["surname"] else "Новиков"
                else:
                    row["status"] = "released" if row["status"] != "released" else "repatriated"
            writer.writerow(row)
    return changed


def anchor_rate(db: Database, path: Path) -> float:
    """Rows/s of the database's bare bulk path on this file (see the module docstring)."""
    columns = ", ".join(f"{c} TEXT" for c in COLUMNS)
    engine = create_engine(db.url)
    fairy = engine.raw_connection()  # a connection of its own, closed after
    raw = fairy.driver_connection
    started = time.perf_counter()
    rows = 0
    if db.backend == "sqlite":
        raw.execute(f"CREATE TABLE anchor ({columns})")
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            marks = ", ".join("?" for _ in COLUMNS)
            batch: list[list[str]] = []
            for row in reader:
                batch.append(row)
                if len(batch) == 20_000:
                    raw.executemany(f"INSERT INTO anchor VALUES ({marks})", batch)
                    rows += len(batch)
                    batch = []
            raw.executemany(f"INSERT INTO anchor VALUES ({marks})", batch)
            rows += len(batch)
        raw.commit()
        seconds = time.perf_counter() - started
        raw.execute("DROP TABLE anchor")
        raw.commit()
    else:
        with raw.cursor() as cur:
            cur.execute(f"CREATE TABLE anchor ({columns})")
            with path.open("rb") as fh, cur.copy("COPY anchor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            rows = cur.rowcount
        raw.commit()
        seconds = time.perf_counter() - started
        with raw.cursor() as cur:
            cur.execute("DROP TABLE anchor")
        raw.commit()
    fairy.close()
    engine.dispose()
    return rows / seconds


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    print(f"bench-import at {git_revision()}: {args.rows:,} rows; {cpu_note()}", flush=True)
    workdir = scratch_dir()
    first, corrected = workdir / "list.csv", workdir / "corrected.csv"
    write_csv(first, synthetic_rows(args.rows, embed_dev=False))
    changed = corrected_copy(first, corrected)
    size_mb = first.stat().st_size / 1e6
    lines = []
    with databases([b for b in args.backends.split(",") if b]) as dbs:
        for db in dbs:
            anchor = anchor_rate(db, first)
            line = f"{db.backend:<10} anchor ({ANCHORS[db.backend]}): {anchor:>9,.0f} rows/s; load average {loadavg()}"
            lines.append(line)
            print(line, flush=True)
            for label, path in (("new list", first), ("same list again", first), ("corrected list", corrected)):
                cpu_before = python_cpu_seconds() + postgres_cpu_seconds(db.cluster_dir)
                job, seconds = timed_import(db, path)
                cpu = python_cpu_seconds() + postgres_cpu_seconds(db.cluster_dir) - cpu_before
                rate = job.rows_processed / seconds
                line = (
                    f"{db.backend:<10} {label:<16} {job.rows_processed:>9,} rows in {seconds:6.1f} s = "
                    f"{rate:>8,.0f} rows/s  (created {job.created:,}, updated {job.updated:,}, "
                    f"unchanged {job.unchanged:,}); CPU {cpu:5.1f} s = {cpu / job.rows_processed * 1e6:4.0f} us/row"
                    f" -> {job.rows_processed / (cpu / 2):>8,.0f} rows/s on 2 idle cores; "
                    f"{rate / anchor:.2f} of the anchor; load average {loadavg()}  "
                    f"{'OK' if rate >= TARGET else 'below target'}"
                )
                if db.backend == "sqlite" and label == "new list" and job.rows_processed >= SQLITE_MINUTE_ROWS:
                    line += f"; under a minute: {'OK' if seconds < 60 else 'MISSED'}"
                lines.append(line)
                print(line, flush=True)
    print(f"\n=== bench-import: {args.rows:,} rows ({size_mb:.0f} MB), {changed:,} corrected; target {TARGET:,} rows/s")
    print("\n".join(lines))


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup_scratch()
