"""Test databases: migrated once per backend, then a fresh copy per test.

Each test gets its own database cloned from a migrated template (a file copy on SQLite, `CREATE DATABASE ...
TEMPLATE` on PostgreSQL). That isolates tests as well as a rolled-back transaction would, and unlike one it lets a
test commit for real: the concurrency tests (idempotent retries, the last handover slot) need separate connections
that see each other's commits.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import migrations
from tests.support.postgres import Cluster

_counter = itertools.count()
# Under pytest-xdist each worker process is its own session (its own templates, and its own cluster unless
# LIAISON_TEST_POSTGRES_URL names a shared server): the worker id keeps database names apart on a shared server.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


class SqliteTemplate:
    backend = "sqlite"

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="liaison-sqlite-"))
        self.template = self.dir / "template.db"
        migrations.upgrade(f"sqlite:///{self.template}")

    def new_database(self) -> str:
        path = self.dir / f"test-{next(_counter)}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop_database(self, url: str) -> None:
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def empty_database(self) -> str:
        return f"sqlite:///{self.dir / f'empty-{next(_counter)}.db'}"

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresTemplate:
    backend = "postgresql"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        self.template_name = f"liaison_template_{_WORKER}_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template_name}"'))
            conn.execute(text(f'CREATE DATABASE "{self.template_name}"'))
        template_url = self._url(self.template_name)
        migrations.upgrade(template_url)

    def _url(self, name: str) -> str:
        return make_url(self.cluster.url).set(database=name).render_as_string(hide_password=False)

    def new_database(self) -> str:
        name = f"liaison_test_{_WORKER}_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"'))
        return self._url(name)

    def empty_database(self) -> str:
        name = f"liaison_empty_{_WORKER}_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self._url(name)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.admin.dispose()
