"""`liaison registry import | match | rekey` against a real database."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from tests.registry.factories import EXAMPLES, IVANOV_RU, csv_bytes


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("LIAISON_DATABASE_URL", db_url)
    monkeypatch.setenv("LIAISON_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_import_reports_counts_and_writes_the_error_report(run, tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes([*EXAMPLES, {**IVANOV_RU, "source_record_id": "B-50", "date_of_birth": "1890"}]))
    report = tmp_path / "errors.csv"

    result = run.invoke(cli, ["registry", "import", str(source), "--errors", str(report), "--quiet"])
    again = run.invoke(cli, ["registry", "import", str(source), "--quiet"])

    assert result.exit_code == 0, result.output
    assert "7 created, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert list(csv.reader(report.open(encoding="utf-8")))[1][:2] == ["9", "date_of_birth"]
    assert "0 created, 0 updated, 7 unchanged" in again.output


def test_cli_import_bad_header_exits_1(run, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("surname,given_name\nИванов,Сергей\n", encoding="utf-8")

    result = run.invoke(cli, ["registry", "import", str(source), "--quiet"])

    assert result.exit_code == 1
    assert "required columns missing" in result.output


def test_cli_match_writes_ranked_candidates_per_query(run, tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes(EXAMPLES))
    run.invoke(cli, ["registry", "import", str(source), "--quiet"])
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "query_id,full_name,date_of_birth\n"
        "q1,Ivanov Sergey Petrovich,1998\n"
        "q2,Sasha Kuznetsov,1999-07-12\n"
        "q3,Зыкин Пётр,1950\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"

    result = run.invoke(cli, ["registry", "match", str(queries), "--top", "2", "--out", str(out), "--quiet"])

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["query_id", "rank", "source_record_id", "score", "strength"]
    first = {r["query_id"]: r for r in rows if r["rank"] == "1"}
    assert (first["q1"]["source_record_id"], first["q2"]["source_record_id"]) == ("A-1", "A-2")
    assert max(int(r["rank"]) for r in rows) <= 2
    assert all(0 <= float(r["score"]) <= 1 for r in rows)


def test_cli_match_unknown_column_exits_2(run, tmp_path):
    queries = tmp_path / "queries.csv"
    queries.write_text("query_id,nickname\nq1,Sasha\n", encoding="utf-8")

    result = run.invoke(cli, ["registry", "match", str(queries), "--out", str(tmp_path / "o.csv"), "--quiet"])

    assert result.exit_code == 2


def test_cli_rekey_rebuilds_the_keys(run, tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes(EXAMPLES))
    run.invoke(cli, ["registry", "import", str(source), "--quiet"])

    result = run.invoke(cli, ["registry", "rekey"])

    assert result.exit_code == 0, result.output
    assert "7 persons" in result.output
