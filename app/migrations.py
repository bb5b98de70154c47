"""Running Alembic from code: used by the CLI, readiness checks and tests.

Migrations run as one step before the app starts (`liaison migrate`, a one-shot service in compose). On PostgreSQL
that step holds an advisory lock, so two replicas or two deploys started at once migrate one after the other, the
second finding nothing to do. Servers and workers wait for the schema to reach the head before they start.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from app.config import PROJECT_ROOT
from app.db import create_db_engine

log = logging.getLogger("app.migrations")
# pg_advisory_lock key for "migrating this database": any constant the application uses for nothing else.
MIGRATION_LOCK_KEY = 0x6C69_6169_736F_6E  # "liaison"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


@contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """Hold PostgreSQL's session-level advisory lock for migrations (waiting for a concurrent migrator to finish).
    SQLite needs none: it is one file on one host, and its writers serialize anyway."""
    if not database_url.startswith("postgresql"):
        yield
        return
    engine = create_db_engine(database_url, pool=False)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            log.info("waiting for the migration lock")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()


def upgrade_exclusively(database_url: str, revision: str = "head") -> None:
    """`upgrade` under the migration lock: what `liaison migrate` runs."""
    with migration_lock(database_url):
        upgrade(database_url, revision)


def wait_for_head(database_url: str, *, timeout_seconds: float, interval_seconds: float = 1.0) -> bool:
    """Wait until the database answers and its schema is at the migrations' head. False when the time ran out."""
    engine = create_db_engine(database_url, pool=False)
    deadline = time.monotonic() + timeout_seconds
    heads, state = head_revisions(), ""
    try:
        while True:
            try:
                with engine.connect() as connection:
                    current = current_revisions(connection)
                new_state = "at head" if current == heads else "migrations pending"
            except SQLAlchemyError as exc:
                new_state = f"unreachable ({type(exc).__name__})"
            if new_state == "at head":
                return True
            if new_state != state:
                log.warning("waiting for the database schema", extra={"database": new_state})
                state = new_state
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval_seconds)
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


@lru_cache
def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: Connection) -> set[str]:
    """The schema's Alembic revisions; none in a database that was never migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
