"""Shared fixtures. Every test that touches the database runs twice: on SQLite and on PostgreSQL.

`--db sqlite` or `--db postgresql` narrows a local run to one backend; `make test` runs both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.audit import system_actor
from app.auth.passwords import hash_password
from app.auth.service import open_session
from app.config import Settings
from app.main import create_app
from app.staff.models import StaffUser
from app.staff.service import create_user
from app.transaction import unit_of_work
from tests.support.databases import PostgresTemplate, SqliteTemplate
from tests.support.postgres import start_cluster

BACKENDS = ("sqlite", "postgresql")
TEST_SIGNING_KEY = "test-signing-key-" + "x" * 40
TEST_PASSWORD = "correct horse battery staple"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("both", *BACKENDS), default="both", help="database backends to test against")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): run a database test only on these backends (a feature one lacks)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db")
        backends = BACKENDS if chosen == "both" else (chosen,)
        marker = metafunc.definition.get_closest_marker("backends")
        if marker is not None:
            backends = tuple(b for b in backends if b in marker.args)
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(scope="session")
def _pg_cluster() -> Iterator[Any]:
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def _sqlite_template() -> Iterator[SqliteTemplate]:
    template = SqliteTemplate()
    yield template
    template.close()


@pytest.fixture(scope="session")
def _pg_template(_pg_cluster: Any) -> Iterator[PostgresTemplate]:
    template = PostgresTemplate(_pg_cluster)
    yield template
    template.close()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_template(backend: str, request: pytest.FixtureRequest) -> SqliteTemplate | PostgresTemplate:
    name = "_sqlite_template" if backend == "sqlite" else "_pg_template"
    template: SqliteTemplate | PostgresTemplate = request.getfixturevalue(name)
    return template


@pytest.fixture
def db_url(db_template: SqliteTemplate | PostgresTemplate) -> Iterator[str]:
    """A freshly migrated database of its own for this test."""
    url = db_template.new_database()
    yield url
    db_template.drop_database(url)


def make_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": db_url,
        "jwt_signing_key": TEST_SIGNING_KEY,
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def session_factory(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


@pytest.fixture
def db_session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and inspecting data directly; commit with `app.transaction.commit`."""
    session = session_factory()
    yield session
    session.rollback()
    session.close()


_password_hash: str | None = None


def test_password_hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(TEST_PASSWORD)
    return _password_hash


test_password_hash.__test__ = False  # type: ignore[attr-defined]


@dataclass
class StaffHandle:
    user: StaffUser
    access_token: str
    refresh_token: str

    @property
    def id(self) -> str:
        return str(self.user.id)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@pytest.fixture
def make_staff(session_factory: sessionmaker[Session], settings: Settings) -> Callable[..., StaffHandle]:
    """`make_staff("case_officer")` creates a user with those roles and signs them in."""
    counter = iter(range(10_000))

    def factory(*roles: str, username: str | None = None) -> StaffHandle:
        name = username or f"{'-'.join(roles).replace('_', '-') or 'none'}-{next(counter)}"
        with unit_of_work(session_factory) as session:
            user = create_user(
                session,
                actor=system_actor(),
                username=name,
                email=f"{name}@test.invalid",
                full_name=name.replace("-", " ").title(),
                password=TEST_PASSWORD,
                roles=list(roles),
                password_hash=test_password_hash(),
            )
            pair = open_session(session, settings, user)
        return StaffHandle(user, pair.access_token, pair.refresh_token)

    return factory


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say how many database tests ran on each backend, so a run shows that both were exercised."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if outcome == "passed" and report.when != "call":
                continue
            node_id = getattr(report, "nodeid", "")
            params = node_id.rsplit("[", 1)[-1].rstrip("]").split("-") if node_id.endswith("]") else []
            for backend in set(params) & set(BACKENDS):
                per_backend = counts.setdefault(backend, {})
                per_backend[outcome] = per_backend.get(outcome, 0) + 1
    if counts:
        terminalreporter.section("database backends")
        for backend in BACKENDS:
            tally = counts.get(backend, {})
            terminalreporter.write_line(f"{backend}: " + (", ".join(f"{n} {o}" for o, n in tally.items()) or "none"))
