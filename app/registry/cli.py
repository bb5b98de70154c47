"""`liaison registry ...`: import lists, reconcile lists against the registry, rebuild the lookup keys."""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from app.audit import record, system_actor
from app.config import get_settings
from app.db import create_db_engine, create_session_factory
from app.registry import imports
from app.registry.lookup import LOOKUP_FIELDS, find_candidates, query_from
from app.registry.models import RegistryImport
from app.registry.rekey import rebuild_keys
from app.registry.writer import BatchResult
from app.transaction import commit, unit_of_work

registry_cli = typer.Typer(help="The registry of captured and deceased persons.", no_args_is_help=True)
MATCH_OUTPUT = ("query_id", "rank", "source_record_id", "score", "strength")
MATCH_COMMIT_EVERY = 200
"""Lookups per transaction in a batch match: short transactions never block an import for long."""


def _factory() -> sessionmaker[Session]:
    settings = get_settings()
    return create_session_factory(create_db_engine(settings.database_url), settings)


@contextmanager
def _session() -> Iterator[Session]:
    with unit_of_work(_factory()) as session:
        yield session


@registry_cli.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, UTF-8")],
    errors: Annotated[
        Path | None, typer.Option(help="Write every rejected row here (CSV: row, column, reason)")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
) -> None:
    """Import a registry list (docs/registry-format.md); a re-import updates records instead of duplicating them."""
    size = file.stat().st_size
    report: TextIO | None = errors.open("w", encoding="utf-8", newline="") if errors else None
    writer = csv.writer(report) if report else None
    if writer:
        writer.writerow(("row", "column", "reason"))
    shown = 0
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=file.name, disable=quiet, file=sys.stderr)

    def on_batch(job: RegistryImport, result: BatchResult) -> None:
        nonlocal shown
        bar.update(job.bytes_processed - bar.n)
        bar.set_postfix(rows=job.rows_processed, rejected=job.rejected, refresh=False)
        for row, column, reason in result.errors or []:
            if writer:
                writer.writerow((row, column or "", reason))
            elif shown < 20:
                tqdm.write(f"row {row}: {column or '(row)'}: {reason}", file=sys.stderr)
                shown += 1

    started = time.perf_counter()
    try:
        with _session() as session, file.open("rb") as stream:
            job = imports.import_file(session, stream, filename=file.name, size_bytes=size, on_batch=on_batch)
    finally:
        bar.close()
        if report:
            report.close()
    seconds = time.perf_counter() - started
    if job.failure:
        typer.echo(f"import {job.id} refused: {job.failure}", err=True)
        raise typer.Exit(1)
    rate = job.rows_processed / seconds if seconds else 0.0
    typer.echo(
        f"import {job.id}: {job.rows_processed} rows in {seconds:.1f} s ({rate:,.0f} rows/s): "
        f"{job.created} created, {job.updated} updated, {job.unchanged} unchanged, {job.rejected} rejected"
    )
    if job.rejected and not errors and job.rejected > shown:
        typer.echo("(first 20 problems shown; pass --errors FILE for the full report)", err=True)


def _count_rows(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)


@registry_cli.command("match")
def match_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV: query_id + fields")],
    out: Annotated[Path, typer.Option(help="Where to write the candidates (CSV)")],
    top: Annotated[int, typer.Option(min=1, max=50, help="Candidates per query")] = 10,
    quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
) -> None:
    """Look up a whole list (an exchange list, a list of the dead): `query_id, rank, source_record_id, score,
    strength` per candidate, best first. Input columns: `query_id` and any of the lookup fields."""
    with file.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    factory = _factory()
    queries = answered = strong = 0
    with file.open(encoding="utf-8-sig", newline="") as source, out.open("w", encoding="utf-8", newline="") as sink:
        reader = csv.DictReader(source)
        columns = set(reader.fieldnames or ())
        unknown = sorted(columns - {"query_id", *LOOKUP_FIELDS})
        if "query_id" not in columns or unknown:
            typer.echo(f"the input needs a query_id column and lookup fields only (unknown: {unknown})", err=True)
            raise typer.Exit(2)
        writer = csv.writer(sink)
        writer.writerow(MATCH_OUTPUT)
        bar = tqdm(total=_count_rows(file), unit="queries", desc=file.name, disable=quiet, file=sys.stderr)
        session = factory()
        try:
            for row in reader:
                query = query_from({k: (v or "").strip() for k, v in row.items() if k in LOOKUP_FIELDS})
                candidates = find_candidates(session, query, limit=top)
                for rank, candidate in enumerate(candidates, start=1):
                    writer.writerow(
                        (
                            row["query_id"],
                            rank,
                            candidate.person.source_record_id,
                            f"{candidate.match.score:.4f}",
                            candidate.match.strength,
                        )
                    )
                queries += 1
                answered += bool(candidates)
                strong += bool(candidates) and candidates[0].match.strength == "strong"
                bar.update(1)
                if queries % MATCH_COMMIT_EVERY == 0:
                    commit(session)
            record(
                session,
                actor=system_actor(),
                action="registry.batch_matched",
                target_type="registry_lookup",
                details={"file_sha256": digest, "queries": queries, "with_candidates": answered, "top": top},
            )
            commit(session)
        finally:
            session.close()
            bar.close()
    typer.echo(f"{queries} queries: {answered} with candidates, {strong} with a strong first candidate -> {out}")


@registry_cli.command("rekey")
def rekey_command() -> None:
    """Recompute every person's lookup keys and the frequency counts (after an engine upgrade changed the keys)."""
    started = time.perf_counter()
    with _session() as session:
        persons = rebuild_keys(session)
    typer.echo(f"rebuilt the lookup keys of {persons} persons in {time.perf_counter() - started:.1f} s")
