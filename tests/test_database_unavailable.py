"""A database that cannot be reached answers 503 with Retry-After (not 500), and /readyz says so truthfully."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.logging import JsonFormatter
from app.main import create_app
from tests.conftest import make_settings
from tests.support.tcp_proxy import TcpProxy

CANARY_USERNAME = "kanareikina-olena"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """What the app logs meanwhile, as the formatter writes it (attach after `create_app`, which sets up logging)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _unreachable_url(backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        return f"postgresql+psycopg://liaison@127.0.0.1:{_free_port()}/liaison"
    return f"sqlite:///{tmp_path / 'no-such-directory' / 'liaison.db'}"


def assert_temporarily_unavailable(response, retry_after: str = "5") -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == retry_after
    body = response.json()
    assert body["type"] == "/problems/temporarily-unavailable" and body["status"] == 503
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_request_when_database_refuses_connections_answers_503(backend, tmp_path):
    app = create_app(make_settings(_unreachable_url(backend, tmp_path)))
    with captured_logs() as log_lines, TestClient(app) as client:
        signin = client.post("/api/v1/auth/token", data={"username": CANARY_USERNAME, "password": "x" * 14})
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert_temporarily_unavailable(signin)
    assert (ready.status_code, ready.json()) == (503, {"status": "unavailable", "database": "unreachable"})
    assert alive.status_code == 200  # the process itself is fine: no restart loop because the database is down
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    failure = next(line for line in lines if line["msg"] == "database unavailable")
    assert failure["level"] == "warning" and failure["error"] == "sqlalchemy.exc.OperationalError"
    assert failure["request_id"] == signin.headers["X-Request-ID"] and failure["frames"]
    assert CANARY_USERNAME not in log_lines.getvalue()


@pytest.mark.backends("postgresql")
def test_lost_connection_answers_503_then_recovers(db_url, make_staff, backend):
    """The app's pooled connections break mid-life (the network drops): 503 while it lasts, served again after."""
    admin = make_staff("admin")
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(make_settings(proxied))
    try:
        with captured_logs() as log_lines, TestClient(app) as client:
            assert client.get("/api/v1/admin/users", headers=admin.headers).status_code == 200
            assert client.get("/readyz").status_code == 200
            proxy.cut()
            assert_temporarily_unavailable(client.get("/api/v1/admin/users", headers=admin.headers))
            assert client.get("/readyz").json()["database"] == "unreachable"
            proxy.restore()
            assert client.get("/api/v1/admin/users", headers=admin.headers).status_code == 200
            assert client.get("/readyz").json()["status"] == "ready"
    finally:
        proxy.stop()
        app.state.engine.dispose()
    assert "internal-error" not in log_lines.getvalue() and '"level": "error"' not in log_lines.getvalue()


def test_readyz_on_database_never_migrated_says_migrations_pending(db_template, backend):
    url = db_template.empty_database()
    app = create_app(make_settings(url))
    try:
        with TestClient(app) as client:
            ready = client.get("/readyz")
    finally:
        app.state.engine.dispose()
        db_template.drop_database(url)
    assert (ready.status_code, ready.json()["database"]) == (503, "migrations pending")
