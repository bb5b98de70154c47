"""`liaison registry import | match | rekey` against a real database."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
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
    assert list(rows[0]) == [
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
    ]
    first = {r["query_id"]: r for r in rows if r["rank"] == "1"}
    assert (first["q1"]["source_record_id"], first["q2"]["source_record_id"]) == ("A-1", "A-2")
    q1 = first["q1"]
    assert (q1["source"], q1["surname"], q1["given_name"], q1["date_of_birth"], q1["status"]) == (
        "list-a",
        "Іванов",
        "Сергій",
        "1998-05-03",
        "in_captivity",
    )
    assert "given name: " in q1["explanation"] and "Ukrainian" in q1["explanation"]
    assert max(int(r["rank"]) for r in rows) <= 2
    assert all(0 <= float(r["score"]) <= 1 for r in rows)


def test_cli_match_writes_jsonl_and_xlsx(run, tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes(EXAMPLES))
    run.invoke(cli, ["registry", "import", str(source), "--quiet"])
    queries = tmp_path / "queries.csv"
    queries.write_text("query_id,full_name,age,age_stated_on\nq1,Кузнецов А.И.,26,2026-11-30\n", encoding="utf-8")

    as_jsonl = run.invoke(
        cli, ["registry", "match", str(queries), "--out", str(tmp_path / "o.jsonl"), "--format", "jsonl", "--quiet"]
    )
    as_xlsx = run.invoke(
        cli, ["registry", "match", str(queries), "--out", str(tmp_path / "o.xlsx"), "--format", "xlsx", "--quiet"]
    )

    assert as_jsonl.exit_code == 0 and as_xlsx.exit_code == 0, as_jsonl.output + as_xlsx.output
    lines = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines[0]["source_record_id"] == "A-2" and lines[0]["rank"] == 1
    dob = next(e for e in lines[0]["explanation"] if e["field"] == "date of birth")
    assert "age 26 on 2026-11-30" in dob["detail"]
    sheet = load_workbook(tmp_path / "o.xlsx", read_only=True)["matches"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("query_id", "rank", "source", "source_record_id")
    assert rows[1][3] == "A-2" and rows[1][4] == "Кузнецов"


def test_cli_import_exits_1_when_every_row_is_rejected(run, tmp_path):
    source = tmp_path / "bad-rows.csv"
    source.write_bytes(
        csv_bytes(
            [{**IVANOV_RU, "date_of_birth": "1890"}, {**IVANOV_RU, "source_record_id": "B-9", "date_of_birth": "1850"}]
        )
    )
    report = tmp_path / "errors.csv"

    result = run.invoke(cli, ["registry", "import", str(source), "--quiet", "--errors", str(report)])

    assert result.exit_code == 1
    assert "every row was rejected" in result.output
    assert [r[0] for r in csv.reader(report.open(encoding="utf-8"))] == ["row", "2", "3"]


def test_cli_import_stops_after_max_errors(run, tmp_path, monkeypatch):
    monkeypatch.setattr("app.registry.importer.BATCH_ROWS", 2)
    source = tmp_path / "list.csv"
    bad = [{**IVANOV_RU, "source_record_id": f"X-{i}", "date_of_birth": "1890"} for i in range(4)]
    source.write_bytes(csv_bytes([*bad, *EXAMPLES]))

    result = run.invoke(cli, ["registry", "import", str(source), "--quiet", "--max-errors", "1"])

    assert result.exit_code == 1
    assert "stopped after 2 rejected rows (--max-errors 1)" in result.output


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
