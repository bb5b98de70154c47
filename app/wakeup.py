"""Waking this process's worker when a transaction enqueued a job, instead of polling the database.

`enqueue` marks the session; `app.transaction.commit` calls `notify()` once the job is committed. Jobs enqueued in
another process are found by the worker's idle poll, which backs off while nothing arrives.
"""

from __future__ import annotations

import threading

ENQUEUED_KEY = "jobs_enqueued"
_event = threading.Event()


def notify() -> None:
    _event.set()


def wait(timeout: float) -> bool:
    """Sleep until a job is enqueued in this process or `timeout` passes; True when woken by a job."""
    woken = _event.wait(timeout)
    _event.clear()
    return woken
