"""The lock files stay in step with pyproject.toml: every declared dependency is pinned, with hashes, at a version its
range allows. A dependency added to pyproject.toml without `make lock` fails here instead of on a fresh machine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def _pins(lock: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    text = lock.read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{match.group(1)} in {lock.name} has no hash"
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    if extra:
        requirements += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return requirements


@pytest.mark.parametrize(("lock", "extra"), [("requirements.lock", None), ("requirements-test.lock", "test")])
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extra: str | None) -> None:
    pins = _pins(ROOT / lock)
    assert pins, f"{lock} pins nothing"
    for requirement in _declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared in pyproject.toml but not pinned in {lock}: make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {requirement.name}=={pins[name]}, outside {requirement.specifier}: make lock"
        )


def test_the_app_lock_holds_no_test_only_dependency() -> None:
    app_pins = _pins(ROOT / "requirements.lock")
    assert "pytest" not in app_pins
    assert "playwright" not in app_pins
