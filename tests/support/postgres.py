"""A throwaway PostgreSQL cluster for the test run: initdb in a temp dir, pg_ctl start on a free loopback port.

Debian keeps the server binaries off the PATH (/usr/lib/postgresql/<version>/bin), and PostgreSQL refuses to run
as root, so as root the cluster runs as the unprivileged `postgres` system user. Missing binaries are an error with
instructions, never a silent skip: CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with "
    "`apt-get install -y postgresql` (Debian/Ubuntu) or set LIAISON_TEST_POSTGRES_URL to an existing server."
)


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    url: str
    datadir: Path | None = None
    pg_ctl: str | None = None
    run_as: str | None = None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True)

    def stop(self) -> None:
        if self.datadir is None or self.pg_ctl is None:
            return
        try:
            self._run(self.pg_ctl, "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_cluster() -> Cluster:
    existing = os.environ.get("LIAISON_TEST_POSTGRES_URL")
    if existing:
        return Cluster(url=existing)
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError(INSTALL_HINT)
    run_as = None
    base = Path(tempfile.mkdtemp(prefix="liaison-pg-"))
    if os.geteuid() == 0:
        run_as = "postgres"
        try:
            entry = pwd.getpwnam(run_as)
        except KeyError as exc:
            raise RuntimeError("running as root needs a `postgres` system user to own the test cluster") from exc
        os.chown(base, entry.pw_uid, entry.pw_gid)
    datadir, port = base / "data", _free_port()
    cluster = Cluster(url="", datadir=datadir, pg_ctl=pg_ctl, run_as=run_as)
    cluster._run(initdb, "-D", str(datadir), "-U", "liaison", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
    # Durability off: a test cluster trades crash safety for speed. Enough connections for concurrency tests.
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB"
    )
    cluster._run(pg_ctl, "-D", str(datadir), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    cluster.url = f"postgresql+psycopg://liaison@127.0.0.1:{port}/postgres"
    return cluster
