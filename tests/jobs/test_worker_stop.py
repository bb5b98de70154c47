"""`liaison worker` stops cleanly on SIGTERM: the job it runs is done once or back in the queue, nothing more is
claimed, and the process exits 0. A real worker process against the test's database, on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.jobs import enqueue, run_pending
from app.jobs.models import Job
from app.transaction import unit_of_work
from tests.conftest import TEST_SIGNING_KEY
from tests.support import slow_jobs

WORKER = "import tests.support.slow_jobs; from app.cli import main; main()"


def start_worker(db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": db_url,
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_JWT_SIGNING_KEY": TEST_SIGNING_KEY,
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, "worker", "--poll", "0.1", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"{path.name} did not appear"
        time.sleep(0.05)


def enqueue_holding_jobs(session_factory, tmp_path: Path, count: int) -> list[Path]:
    hold = tmp_path / "hold"
    hold.touch()
    started = [tmp_path / f"started-{n}" for n in range(count)]
    with unit_of_work(session_factory) as session:
        for n in range(count):
            enqueue(session, slow_jobs.KIND, {"n": n, "hold": str(hold), "started": str(started[n])})
    return started


def jobs_by_kind(session_factory) -> dict[str, list[Job]]:
    with unit_of_work(session_factory) as session:
        rows = session.execute(select(Job).order_by(Job.id)).scalars().all()
    out: dict[str, list[Job]] = {}
    for job in rows:
        out.setdefault(job.kind, []).append(job)
    return out


def test_sigterm_during_job_finishes_it_once_and_claims_no_more(db_url, session_factory, backend, tmp_path):
    started = enqueue_holding_jobs(session_factory, tmp_path, 2)
    worker = start_worker(db_url, "--grace", "60")
    try:
        wait_for(started[0], worker)
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert worker.poll() is None  # still finishing the job, not killed mid-way
        (tmp_path / "hold").unlink()  # the job can complete now
        _, stderr = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 0, stderr
    jobs = jobs_by_kind(session_factory)
    held = jobs[slow_jobs.KIND]
    assert [(j.status, j.attempts) for j in held] == [("done", 1), ("pending", 0)]
    assert [j.payload["of"] for j in jobs[slow_jobs.EFFECT]] == [0]  # its work committed exactly once
    assert not started[1].exists()  # the second job was never claimed
    assert "stopping: no new jobs, finishing the current one" in stderr and "worker stopped" in stderr


def test_sigterm_past_grace_gives_job_back_then_another_worker_does_it_once(db_url, session_factory, backend, tmp_path):
    started = enqueue_holding_jobs(session_factory, tmp_path, 1)
    worker = start_worker(db_url, "--grace", "0.5")
    try:
        wait_for(started[0], worker)
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 0, stderr
    jobs = jobs_by_kind(session_factory)
    [held] = jobs[slow_jobs.KIND]
    assert (held.status, held.attempts, held.locked_at) == ("pending", 0, None)  # back in the queue, as it was
    assert slow_jobs.EFFECT not in jobs  # its transaction rolled back
    assert "grace period over: giving the current job back" in stderr

    (tmp_path / "hold").unlink()
    assert run_pending(session_factory) == 1
    jobs = jobs_by_kind(session_factory)
    assert [(j.status, j.attempts) for j in jobs[slow_jobs.KIND]] == [("done", 1)]
    assert [j.payload["of"] for j in jobs[slow_jobs.EFFECT]] == [0]


def test_sigint_twice_gives_job_back_at_once(db_url, session_factory, backend, tmp_path):
    started = enqueue_holding_jobs(session_factory, tmp_path, 1)
    worker = start_worker(db_url, "--grace", "60")
    try:
        wait_for(started[0], worker)
        worker.send_signal(signal.SIGINT)
        time.sleep(0.3)
        assert worker.poll() is None
        worker.send_signal(signal.SIGINT)
        _, stderr = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 0, stderr
    [held] = jobs_by_kind(session_factory)[slow_jobs.KIND]
    assert (held.status, held.attempts) == ("pending", 0)
