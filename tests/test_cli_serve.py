"""What `make run` does, end to end: migrate, seed twice, serve, and sign in as demo accounts over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "demo password for the serve test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _liaison(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True, check=True, timeout=120
    )


def test_migrate_seed_serve_and_sign_in(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": f"sqlite:///{tmp_path / 'liaison.db'}",
        "LIAISON_DEMO_PASSWORD": DEMO_PASSWORD,
        "LIAISON_PORT": str(port),
        "LIAISON_ENVIRONMENT": "development",
    }
    _liaison(env, "migrate")
    first = _liaison(env, "seed", "--demo")
    second = _liaison(env, "seed", "--demo")
    assert "demo-operator" in first.stdout and "already present" in second.stdout
    users = _liaison(env, "users", "list").stdout
    assert users.count("demo-operator") == 1

    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, ready = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"{base}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert ready is not None and ready.status_code == 200, "server not ready within 60 s"

        def token(username: str) -> dict[str, str]:
            response = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.text
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        assert httpx.get(f"{base}/api/v1/admin/users", headers=token("demo-operator")).status_code == 403
        assert httpx.get(f"{base}/api/v1/admin/users", headers=token("demo-admin")).status_code == 200
        docs = httpx.get(f"{base}/docs")
        assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text  # no CDN
        assert httpx.get(f"{base}/docs-assets/swagger-ui-bundle.js").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
