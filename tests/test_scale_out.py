"""Scale-out, shown: two `liaison serve` and two `liaison worker` processes against one PostgreSQL.

Inquiries through both APIs, a sign-in session valid on either server, a brute force spread over both servers
throttled as one, and jobs each done exactly once by the two workers.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import httpx
import pytest
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.jobs import enqueue
from app.jobs.models import Job
from app.transaction import unit_of_work
from tests.conftest import TEST_PASSWORD
from tests.jobs.test_worker_stop import start_worker
from tests.support import slow_jobs
from tests.test_cli_lifecycle import _free_port, liaison_env, wait_until

MAX_FAILURES = 4


def start_server(db_url: str, port: int) -> subprocess.Popen[bytes]:
    env = liaison_env(db_url, LIAISON_PORT=str(port), LIAISON_LOGIN_MAX_FAILURES=str(MAX_FAILURES))
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def inquiry(n: int) -> dict[str, object]:
    return {
        "channel": "phone",
        "requester": {"full_name": f"Scale Caller {n}", "relationship": "mother", "phone": f"+38067100{n:04d}"},
        "consent": {"store": True},
        "sought": {"surname": f"Scaleout{n}", "given_name": "Petro", "date_of_birth": "1990-05-0" + str(n % 9 + 1)},
    }


@pytest.mark.backends("postgresql")
def test_two_servers_and_two_workers_share_one_database(db_url, make_staff, session_factory, backend, tmp_path):
    operator = make_staff("operator")
    ports = [_free_port(), _free_port()]
    servers = [start_server(db_url, port) for port in ports]
    workers: list[subprocess.Popen[str]] = []
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:

        def all_ready() -> bool:
            try:
                return all(httpx.get(f"{base}/readyz", timeout=2).status_code == 200 for base in bases)
            except httpx.TransportError:
                return False

        wait_until(all_ready, "both servers", timeout=180)

        # Inquiries through both APIs: each one a case of its own, readable through the other server.
        references = []
        for n in range(6):
            base, other = bases[n % 2], bases[(n + 1) % 2]
            headers = {**operator.headers, "Idempotency-Key": str(uuid.uuid4())}
            created = httpx.post(f"{base}/api/v1/inquiries", json=inquiry(n), headers=headers, timeout=60)
            assert created.status_code == 201, created.text
            reference = created.json()["case_reference"]
            references.append(reference)
            retried = httpx.post(f"{other}/api/v1/inquiries", json=inquiry(n), headers=headers, timeout=60)
            assert retried.json()["case_reference"] == reference  # the retry on the other server made nothing
        assert len(set(references)) == 6

        # A session opened on one server works on the other, and ends on both.
        signed_in = httpx.post(
            f"{bases[0]}/api/v1/auth/token", data={"username": operator.user.username, "password": TEST_PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        access = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        assert httpx.get(f"{bases[1]}/api/v1/inquiries", headers=access, timeout=30).status_code == 200
        assert httpx.post(f"{bases[1]}/api/v1/auth/logout", headers=access, timeout=30).status_code == 204
        assert httpx.get(f"{bases[0]}/api/v1/inquiries", headers=access, timeout=30).status_code == 401

        # A brute force spread over both servers is throttled as one.
        target = make_staff("operator").user.username
        answers = [
            httpx.post(
                f"{bases[n % 2]}/api/v1/auth/token", data={"username": target, "password": f"wrong-{n}-" + "x" * 8}
            ).status_code
            for n in range(MAX_FAILURES + 2)
        ]
        assert answers[:MAX_FAILURES] == [401] * MAX_FAILURES
        assert answers[MAX_FAILURES:] == [429, 429], answers

        # Jobs each done exactly once by two workers claiming from the same queue.
        hold = tmp_path / "hold"  # never created: the jobs complete at once
        with unit_of_work(session_factory) as session:
            for n in range(30):
                enqueue(session, slow_jobs.KIND, {"n": n, "hold": str(hold), "started": str(tmp_path / f"s{n}")})
        workers = [start_worker(db_url, "--grace", "30") for _ in range(2)]

        def all_done() -> bool:
            with unit_of_work(session_factory) as session:
                statuses = session.execute(select(Job.status).where(Job.kind == slow_jobs.KIND)).scalars().all()
            return statuses.count("done") == 30

        wait_until(all_done, "the workers to finish the jobs", timeout=180)
        with unit_of_work(session_factory) as session:
            effects = session.execute(select(Job.payload).where(Job.kind == slow_jobs.EFFECT)).scalars().all()
            attempts = session.execute(select(Job.attempts).where(Job.kind == slow_jobs.KIND)).scalars().all()
        assert sorted(e["of"] for e in effects) == list(range(30))  # every job's work committed exactly once
        assert set(attempts) == {1}
    finally:
        for process in [*servers, *workers]:
            process.terminate()
        for process in [*servers, *workers]:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    for worker in workers:
        assert worker.returncode == 0
