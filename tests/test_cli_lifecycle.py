"""Starting and stopping real processes: `liaison serve` waits for the schema head, the container probe asks the
configured port, SIGTERM drains in-flight requests; `liaison migrate` runs one migrator at a time on PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.config import PROJECT_ROOT
from app.migrations import MIGRATION_LOCK_KEY, head_revisions
from tests.conftest import TEST_SIGNING_KEY


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def liaison_env(db_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "LIAISON_DATABASE_URL": db_url,
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_JWT_SIGNING_KEY": TEST_SIGNING_KEY,
        **extra,
    }


def wait_until(predicate, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def probe_exit_code(env: dict[str, str]) -> int:
    """What the image's HEALTHCHECK runs."""
    return subprocess.run([sys.executable, "-m", "app.healthcheck"], env=env, cwd=PROJECT_ROOT, timeout=60).returncode


def schema_revisions(db_url: str) -> set[str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def test_serve_waits_for_schema_probes_its_port_and_drains_on_sigterm(db_template, backend, tmp_path: Path):
    url = db_template.empty_database()
    port = _free_port()
    env = liaison_env(url, LIAISON_PORT=str(port))
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--grace", "30"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: "waiting for the database schema" in log_path.read_text(), "the server to wait")
        time.sleep(0.5)
        assert server.poll() is None
        assert probe_exit_code(env) == 1  # nothing listens before the schema is at head

        subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=env, cwd=PROJECT_ROOT, check=True, timeout=120)
        base = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, "the server to become ready")
        assert probe_exit_code(env) == 0  # the probe found the configured port, not 8000

        # A request in flight (its body half sent) when SIGTERM arrives is still answered in full.
        body = b"username=nobody-here&password=not-the-password"
        request = (
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(request + body[:10])
            time.sleep(0.3)
            server.send_signal(signal.SIGTERM)
            wait_until(lambda: "Shutting down" in log_path.read_text(), "the server to begin its shutdown")
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{base}/healthz", timeout=2)  # no new connections while draining
            conn.sendall(body[10:])
            response = b""
            while chunk := conn.recv(65536):
                response += chunk
        assert response.startswith(b"HTTP/1.1 401"), response[:200]
        assert b"application/problem+json" in response and response.rstrip().endswith(b"}")
        # uvicorn re-raises the signal once drained, so the exit status says "stopped by SIGTERM" as usual.
        assert server.wait(timeout=60) == -signal.SIGTERM
        assert "Finished server process" in log_path.read_text()
    finally:
        server.kill()
        server.wait()
        db_template.drop_database(url)


@pytest.mark.backends("postgresql")
def test_migrate_waits_for_the_advisory_lock_and_concurrent_migrators_both_succeed(db_template, backend):
    url = db_template.empty_database()
    env = liaison_env(url)
    holder = create_engine(url, isolation_level="AUTOCOMMIT")
    migrators: list[subprocess.Popen[str]] = []
    try:
        with holder.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            migrators = [
                subprocess.Popen(
                    [sys.executable, "-m", "app.cli", "migrate"],
                    env=env,
                    cwd=PROJECT_ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]

            def both_waiting() -> bool:
                waiting = connection.execute(
                    text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                ).scalar_one()
                return waiting == 2

            wait_until(both_waiting, "both migrators to wait for the lock")
            assert all(m.poll() is None for m in migrators)
            tables = connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
            assert tables.scalar_one() == 0  # nothing migrated while another holds the lock
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        outcomes = [m.communicate(timeout=180) for m in migrators]
        assert [m.returncode for m in migrators] == [0, 0], [err for _, err in outcomes]
        assert schema_revisions(url) == head_revisions()
    finally:
        for migrator in migrators:
            migrator.kill()
        holder.dispose()
        db_template.drop_database(url)
