"""Benchmark plumbing: throwaway databases on both backends, timed imports, percentiles."""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app import migrations
from app.config import Settings
from app.db import create_db_engine, create_session_factory
from app.registry import imports
from app.registry.models import RegistryImport
from app.transaction import unit_of_work
from tests.support.postgres import INSTALL_HINT, Cluster, _free_port, find_bin

BACKENDS = ("sqlite", "postgresql")


def start_durable_cluster() -> Cluster:
    """A throwaway PostgreSQL like the test one, but durable (fsync, synchronous commit) as production runs it."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError(INSTALL_HINT)
    base = Path(tempfile.mkdtemp(prefix="liaison-bench-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        entry = pwd.getpwnam(run_as)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    datadir, port = base / "data", _free_port()
    cluster = Cluster(url="", datadir=datadir, pg_ctl=pg_ctl, run_as=run_as)
    cluster._run(initdb, "-D", str(datadir), "-U", "liaison", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB"
    cluster._run(pg_ctl, "-D", str(datadir), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    cluster.url = f"postgresql+psycopg://liaison@127.0.0.1:{port}/postgres"
    return cluster


@dataclass
class Database:
    backend: str
    url: str
    factory: sessionmaker[Session]
    cluster_dir: Path | None = None
    """The PostgreSQL data directory (for CPU accounting); None on SQLite."""

    def vacuum(self) -> None:
        """What a DBA's maintenance (or autovacuum) does after a bulk load: statistics and the visibility map."""
        if self.backend == "postgresql":
            engine = create_engine(_psycopg(self.url), isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text("VACUUM ANALYZE registry_person, registry_key, registry_key_count"))
            engine.dispose()

    def size_mb(self) -> float:
        if self.backend == "sqlite":
            path = Path(make_url(self.url).database or "")
            return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
        with self.factory() as session:
            return float(session.execute(text("SELECT pg_database_size(current_database())")).scalar_one()) / 1e6


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def databases(backends: Sequence[str]) -> Iterator[Iterator[Database]]:
    """Yields a generator of fresh, migrated databases, one per backend (clusters and files removed after)."""
    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    cluster: Cluster | None = None
    engines = []

    def make() -> Iterator[Database]:
        nonlocal cluster
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{workdir / 'bench.db'}"
            else:
                cluster = cluster or start_durable_cluster()
                admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text('CREATE DATABASE "bench"'))
                admin.dispose()
                url = make_url(cluster.url).set(database="bench").render_as_string(hide_password=False)
            migrations.upgrade(url)
            engine = create_db_engine(url)
            engines.append(engine)
            settings = Settings(environment="test", database_url=url, jwt_signing_key="bench-" + "k" * 40)
            data = cluster.datadir if backend == "postgresql" and cluster is not None else None
            yield Database(backend, url, create_session_factory(engine, settings), data)

    try:
        yield make()
    finally:
        for engine in engines:
            engine.dispose()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def timed_import(db: Database, path: Path) -> tuple[RegistryImport, float]:
    started = time.perf_counter()
    with unit_of_work(db.factory) as session, path.open("rb") as stream:
        job = imports.import_file(session, stream, filename=path.name, size_bytes=path.stat().st_size)
    return job, time.perf_counter() - started


def python_cpu_seconds() -> float:
    """CPU time of this process and its finished children (the import's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def postgres_cpu_seconds(cluster_dir: Path | None) -> float:
    """CPU time of a benchmark cluster: its postmaster (with its finished children) and its live children."""
    if cluster_dir is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, list[str]]] = {}
    postmaster = None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(proc.name)] = (int(fields[1]), fields)
        if str(cluster_dir).encode() in cmdline and b"postgres" in cmdline:
            postmaster = int(proc.name)
    if postmaster is None:
        return 0.0
    total = 0.0
    for pid, (ppid, fields) in stats.items():
        if pid == postmaster:
            total += sum(int(v) for v in fields[11:15])
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


_SCRATCH: list[Path] = []


def scratch_dir() -> Path:
    """A temporary directory for generated files, removed by `cleanup_scratch` when the benchmark ends."""
    path = Path(tempfile.mkdtemp(prefix="liaison-bench-data-"))
    _SCRATCH.append(path)
    return path


def cleanup_scratch() -> None:
    for path in _SCRATCH:
        shutil.rmtree(path, ignore_errors=True)


def cpu_note() -> str:
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, load average {load:.1f} at start"


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"
