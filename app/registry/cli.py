"""`liaison registry ...`: import lists, reconcile lists against the registry, rebuild the lookup keys."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, BinaryIO, TextIO

import typer
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from app.audit import record, system_actor
from app.config import get_settings
from app.db import create_db_engine, create_session_factory
from app.registry import imports
from app.registry.lookup import LOOKUP_FIELDS, Candidate, explanation_json, find_candidates, query_from
from app.registry.models import RegistryImport
from app.registry.rekey import rebuild_keys
from app.registry.writer import BatchResult
from app.transaction import commit_batch, unit_of_work

registry_cli = typer.Typer(help="The registry of captured and deceased persons.", no_args_is_help=True)
MATCH_OUTPUT = (
    "query_id",
    "rank",
    "source",
    "source_record_id",
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "status",
    "score",
    "strength",
    "explanation",
)
MATCH_COMMIT_EVERY = 200
"""Lookups per transaction in a batch match: short transactions never block an import for long."""


def _factory() -> sessionmaker[Session]:
    settings = get_settings()
    return create_session_factory(create_db_engine(settings.database_url), settings)


@contextmanager
def _session() -> Iterator[Session]:
    with unit_of_work(_factory()) as session:
        yield session


class _RowCounter(io.RawIOBase):
    """A file read through this counts its lines as the import reads them (the progress bar's "rows read")."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.lines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.lines += data.count(b"\n")
        return len(data)


class _ImportProgress:
    """The import's progress bar: rows read (from the first second, refreshed by a timer), rows/s and ETA; it
    reaches 100 % only once the last batch is committed (`done`), and shows committed and rejected rows beside."""

    def __init__(self, total_rows: int, name: str, *, quiet: bool) -> None:
        self.total = max(total_rows, 1)
        self.committed = 0
        self.rejected = 0
        self.counter: _RowCounter | None = None
        self.bar = tqdm(total=self.total, unit=" rows", desc=name, disable=quiet, file=sys.stderr, mininterval=0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            self.refresh()

    def refresh(self) -> None:
        read = max(self.counter.lines - 1, 0) if self.counter else 0
        position = min(max(read, self.committed), self.total - 1)  # 100 % is for the commit of the last row
        if position > self.bar.n:
            self.bar.update(position - self.bar.n)
        self.bar.set_postfix_str(f"committed {self.committed}, rejected {self.rejected}", refresh=False)

    def done(self, committed: int) -> None:
        self._stop.set()
        self._thread.join()
        self.committed = committed
        self.refresh()
        self.bar.update(self.total - self.bar.n)
        self.bar.close()

    def abandon(self) -> None:
        self._stop.set()
        self._thread.join()
        self.bar.close()


@registry_cli.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, UTF-8")],
    errors: Annotated[
        Path | None, typer.Option(help="Write every rejected row here (CSV: row, column, reason)")
    ] = None,
    max_errors: Annotated[
        int | None,
        typer.Option(min=0, help="Stop once more rows than this were rejected (committed batches stay)"),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
) -> None:
    """Import a registry list (docs/registry-format.md); a re-import updates records instead of duplicating them.

    Exits 1 when the import failed or stopped, or when every row was rejected."""
    size = file.stat().st_size
    report: TextIO | None = errors.open("w", encoding="utf-8", newline="") if errors else None
    writer = csv.writer(report) if report else None
    if writer:
        writer.writerow(("row", "column", "reason"))
    shown = 0
    progress = _ImportProgress(_count_rows(file), file.name, quiet=quiet)

    def on_batch(job: RegistryImport, result: BatchResult) -> None:
        nonlocal shown
        progress.committed, progress.rejected = job.rows_processed, job.rejected
        for row, column, reason in result.errors or []:
            if writer:
                writer.writerow((row, column or "", reason))
            elif shown < 20:
                tqdm.write(f"row {row}: {column or '(row)'}: {reason}", file=sys.stderr)
                shown += 1
        if max_errors is not None and job.rejected > max_errors:
            raise imports.Stopped(f"stopped after {job.rejected} rejected rows (--max-errors {max_errors})")

    started = time.perf_counter()
    try:
        with _session() as session, file.open("rb") as raw:
            progress.counter = _RowCounter(raw)
            stream = io.BufferedReader(progress.counter, 1 << 20)
            job = imports.import_file(session, stream, filename=file.name, size_bytes=size, on_batch=on_batch)
    except BaseException:
        progress.abandon()
        raise
    finally:
        if report:
            report.close()
    seconds = time.perf_counter() - started
    if job.failure:
        progress.abandon()
        typer.echo(f"import {job.id} refused: {job.failure}", err=True)
        if job.rows_processed:
            typer.echo(_counts(job, seconds), err=True)
        raise typer.Exit(1)
    progress.done(job.rows_processed)
    typer.echo(_counts(job, seconds))
    if job.rejected and not errors and job.rejected > shown:
        typer.echo("(first 20 problems shown; pass --errors FILE for the full report)", err=True)
    if job.rejected == job.rows_processed:
        typer.echo(
            "nothing imported: every row was rejected" if job.rows_processed else "the file holds no rows", err=True
        )
        raise typer.Exit(1)


def _counts(job: RegistryImport, seconds: float) -> str:
    rate = round(job.rows_processed / seconds) if seconds else 0
    return (
        f"import {job.id}: {job.rows_processed} rows in {seconds:.1f} s ({rate} rows/s): "
        f"{job.created} created, {job.updated} updated, {job.unchanged} unchanged, {job.rejected} rejected"
    )


def _count_rows(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)


class MatchFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xlsx = "xlsx"


class _MatchSink:
    """Writes candidate rows as CSV, JSON lines (the explanation as a list) or an Excel sheet (openpyxl)."""

    def __init__(self, path: Path, fmt: MatchFormat) -> None:
        self.fmt = fmt
        self.path = path
        self._text: TextIO | None = None
        self._csv: Any = None
        self._book: Any = None
        self._sheet: Any = None
        if fmt is MatchFormat.xlsx:
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("matches")
            self._sheet.append(MATCH_OUTPUT)
        else:
            self._text = path.open("w", encoding="utf-8", newline="")
            if fmt is MatchFormat.csv:
                self._csv = csv.writer(self._text)
                self._csv.writerow(MATCH_OUTPUT)

    def write(self, query_id: str, rank: int, candidate: Candidate) -> None:
        person, match = candidate.person, candidate.match
        values: dict[str, Any] = {
            "query_id": query_id,
            "rank": rank,
            "source": person.source,
            "source_record_id": person.source_record_id,
            "surname": person.surname or "",
            "given_name": person.given_name or "",
            "patronymic": person.patronymic or "",
            "date_of_birth": person.date_of_birth or "",
            "status": person.status,
            "score": round(match.score, 4),
            "strength": match.strength,
        }
        if self.fmt is MatchFormat.jsonl:
            assert self._text is not None
            values["explanation"] = explanation_json(match)
            self._text.write(json.dumps(values, ensure_ascii=False) + "\n")
            return
        values["explanation"] = "; ".join(f"{e.field}: {e.detail}" for e in match.explanation)
        row = [values[column] for column in MATCH_OUTPUT]
        if self._csv is not None:
            self._csv.writerow([f"{v:.4f}" if isinstance(v, float) else v for v in row])
        else:
            self._sheet.append(row)

    def close(self) -> None:
        if self._book is not None:
            self._book.save(self.path)
        if self._text is not None:
            self._text.close()


@registry_cli.command("match")
def match_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV: query_id + fields")],
    out: Annotated[Path, typer.Option(help="Where to write the candidates")],
    top: Annotated[int, typer.Option(min=1, max=50, help="Candidates per query")] = 10,
    fmt: Annotated[MatchFormat, typer.Option("--format", help="csv, jsonl or xlsx")] = MatchFormat.csv,
    quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
) -> None:
    """Look up a whole list (an exchange list, a list of the dead): one row per candidate, best first, with the
    person's list, record id, names, date of birth, status, score, strength and the explanation, so the results
    read without a second query. Input columns: `query_id` and any of the lookup fields (`age`, `age_stated_on`
    too)."""
    with file.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    factory = _factory()
    queries = answered = strong = 0
    with file.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        columns = set(reader.fieldnames or ())
        unknown = sorted(columns - {"query_id", *LOOKUP_FIELDS})
        if "query_id" not in columns or unknown:
            typer.echo(f"the input needs a query_id column and lookup fields only (unknown: {unknown})", err=True)
            raise typer.Exit(2)
        sink = _MatchSink(out, fmt)
        bar = tqdm(total=_count_rows(file), unit=" queries", desc=file.name, disable=quiet, file=sys.stderr)
        try:
            with unit_of_work(factory) as session:
                for row in reader:
                    query = query_from({k: (v or "").strip() for k, v in row.items() if k in LOOKUP_FIELDS})
                    candidates = find_candidates(session, query, limit=top)
                    for rank, candidate in enumerate(candidates, start=1):
                        sink.write(row["query_id"], rank, candidate)
                    queries += 1
                    answered += bool(candidates)
                    strong += bool(candidates) and candidates[0].match.strength == "strong"
                    bar.update(1)
                    if queries % MATCH_COMMIT_EVERY == 0:
                        commit_batch(session)  # ends a long read transaction; nothing is written
                record(
                    session,
                    actor=system_actor(),
                    action="registry.batch_matched",
                    target_type="registry_lookup",
                    details={"file_sha256": digest, "queries": queries, "with_candidates": answered, "top": top},
                )
        finally:
            bar.close()
            sink.close()
    typer.echo(f"{queries} queries: {answered} with candidates, {strong} with a strong first candidate -> {out}")


@registry_cli.command("rekey")
def rekey_command() -> None:
    """Recompute every person's lookup keys and the frequency counts (after an engine upgrade changed the keys)."""
    started = time.perf_counter()
    with _session() as session:
        persons = rebuild_keys(session)
    typer.echo(f"rebuilt the lookup keys of {persons} persons in {time.perf_counter() - started:.1f} s")
