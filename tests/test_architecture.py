"""The architecture contracts (pyproject.toml, `[tool.importlinter]`) hold, and an upward import breaks them.

`make lint` runs `lint-imports` too; these tests prove the contracts can fail: a copy of `app/` with one import
pointing up is refused, naming the contract it breaks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the `app` package under `tree`. `-S` keeps the editable install's path hook out, so the
    copy is the `app` analysed; the virtual environment's packages are put back on the path without their hooks."""
    purelib = sysconfig.get_paths()["purelib"]
    script = (
        f"import sys; sys.path[:0] = [{str(tree)!r}, {purelib!r}]; "
        f"import app; assert app.__file__.startswith({str(tree)!r}), app.__file__; "
        "from importlinter.cli import lint_imports; sys.exit(lint_imports())"
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "data", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_contracts_are_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward", "contract"),
    [
        ("cases/queries.py", "app.portal.router", "Layers: entry points -> presentation -> domains -> platform"),
        ("reference/timeline.py", "app.handovers.scheduling", "Layers: entry points -> presentation -> domains"),
        ("handovers/service.py", "app.reference.points", "Layers: entry points -> presentation -> domains"),
        ("inquiries/models.py", "app.inquiries.service", "Models import only other models and the platform"),
        ("matching/names.py", "app.config", "The lookup engine (app.matching) imports nothing else from app"),
        ("db.py", "app.cases.service", "Layers: entry points -> presentation -> domains -> platform"),
    ],
)
def test_an_upward_import_breaks_its_contract(tree: Path, module: str, upward: str, contract: str):
    path = tree / "app" / module
    path.write_text(path.read_text() + f"\nimport {upward}  # noqa: E402\n")
    result = lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert contract in result.stdout
    assert upward in result.stdout


# The unit of work owns every commit; job loops end their batches with its documented batch form.
COMMIT_CALL = re.compile(r"(?<![\w.])(commit|rollback)\(|\.(commit|rollback)\(\)")
BATCH_CALL = re.compile(r"\b(commit_batch|rollback_batch)\(")
BATCH_JOBS = {"app/matches/research.py", "app/registry/imports.py", "app/registry/cli.py"}


def test_only_the_unit_of_work_commits():
    commits, batches = [], set()
    for path in sorted((ROOT / "app").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name == "app/transaction.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if COMMIT_CALL.search(code):
                commits.append(f"{name}:{number}: {line.strip()}")
            if BATCH_CALL.search(code):
                batches.add(name)
    assert commits == [], "commit only through app.transaction (unit_of_work, keep_when_refused, commit_batch)"
    assert batches <= BATCH_JOBS, f"the job-batch form is for job loops only: {sorted(batches - BATCH_JOBS)}"
