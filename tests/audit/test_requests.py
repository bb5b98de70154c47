"""Audited requests: exactly one event each, durable before the response, and none lost to a kill -9."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from app.audit import chain, sealer
from app.audit.models import AuditEvent
from app.db import read_session
from tests.cases.factories import inquiry_body, move
from tests.conftest import TEST_SIGNING_KEY
from tests.portal.factories import make_family
from tests.portal.helpers import arrange, sign_in


def _events_of(session_factory, request_id: str) -> list[str]:
    with read_session(session_factory) as session:
        return list(session.execute(select(AuditEvent.action).where(AuditEvent.request_id == request_id)).scalars())


def test_every_audited_read_leaves_exactly_one_event_and_writes_each_act_once(client, make_staff, session_factory):
    officer = make_staff("case_officer", "supervisor")
    case, _inquiry, code = arrange(session_factory, make_family)
    token = client.post("/api/v1/portal/token", json={"reference": case.reference, "access_code": code}).json()
    family = {"Authorization": f"Bearer {token['access_token']}"}
    created = client.post("/api/v1/inquiries", json=inquiry_body(), headers=officer.headers)
    assert created.status_code == 201, created.text
    reference = created.json()["case_reference"]
    assert sign_in(client, case.reference, code).status_code == 303
    reads = [
        ("case.viewed", client.get(f"/api/v1/cases/{reference}", headers=officer.headers)),
        ("portal.case_viewed", client.get("/api/v1/portal/case", headers=family)),
        ("portal.case_viewed", client.get(f"/portal/cases/{case.reference}")),
        ("case.timeline_viewed", client.get(f"/api/v1/cases/{reference}/timeline", headers=officer.headers)),
    ]
    for action, response in reads:
        assert response.status_code == 200, (action, response.text)
        assert _events_of(session_factory, response.headers["X-Request-ID"]) == [action]
    moved = move(client, officer, reference, "searching")
    assert moved.status_code == 200, moved.text
    for response in (created, moved):
        actions = _events_of(session_factory, response.headers["X-Request-ID"])
        assert actions and len(actions) == len(set(actions)), actions  # each act recorded, none twice
    assert "case.transitioned" in _events_of(session_factory, moved.headers["X-Request-ID"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(db_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The app served by uvicorn in a process of its own, as in production (no sealer in it)."""
    port = _free_port()
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": db_url,
        "LIAISON_PORT": str(port),
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_JWT_SIGNING_KEY": TEST_SIGNING_KEY,
        "LIAISON_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("server not ready within 60 s")
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_kill_9_under_load_loses_no_acknowledged_event(server, make_staff, session_factory):
    base, process = server
    officer = make_staff("case_officer", "supervisor")
    with httpx.Client(base_url=base, headers=officer.headers, timeout=30) as http:
        created = http.post("/api/v1/inquiries", json=inquiry_body())
        assert created.status_code == 201, created.text
    reference = created.json()["case_reference"]
    acknowledged: list[str] = []
    created_inquiries: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def load(writer: bool) -> None:
        with httpx.Client(base_url=base, headers=officer.headers, timeout=30) as http:
            while not stop.is_set():
                try:
                    if writer:
                        body = inquiry_body(sought={"surname": f"Кузнецов{len(created_inquiries)}"})
                        response = http.post("/api/v1/inquiries", json=body)
                    else:
                        response = http.get(f"/api/v1/cases/{reference}")
                except httpx.TransportError:
                    return  # the server is gone: this request was never acknowledged
                if response.status_code in (200, 201):
                    with lock:
                        acknowledged.append(response.headers["X-Request-ID"])
                        if writer:
                            created_inquiries.append(response.headers["X-Request-ID"])

    threads = [threading.Thread(target=load, args=(i == 0,)) for i in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)  # in the middle of the load, with requests in flight
    process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) >= 150 and created_inquiries
    with read_session(session_factory) as session:
        logged = dict(
            session.execute(
                select(AuditEvent.request_id, func.count())
                .where(AuditEvent.request_id.in_(acknowledged))
                .group_by(AuditEvent.request_id)
            ).all()
        )
    reads = set(acknowledged) - set(created_inquiries)
    missing = [rid for rid in reads if logged.get(rid) != 1] + [rid for rid in created_inquiries if not logged.get(rid)]
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged requests have no single event"
    sealer.seal(session_factory)
    with read_session(session_factory) as session:
        result = chain.verify(session)
    assert result.ok and result.unsealed == 0, result
