"""Stopping a worker cleanly: SIGTERM or SIGINT ends claiming, and the current job is finished or given back.

A container stop sends SIGTERM to the worker (PID 1 in its container), waits a grace period, then SIGKILLs it. On
the first SIGTERM or SIGINT the worker claims nothing more and lets the job it is running finish. When the job is
still running after `grace_seconds` (or on a second signal), it is interrupted: its transaction rolls back and the
job goes back to the queue as it was, for another worker, so it runs to completion exactly once. A job's success is
committed in the same transaction as its work, so no stop can leave a job both done and queued.

Signals are delivered to the main thread only, and the interruption is raised only while a job's handler runs
(`interruptible()`), never while a job is being claimed or settled.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("app.jobs")


class WorkerStopped(BaseException):
    """Raised in the worker's main thread to interrupt a job at the end of the grace period.

    A `BaseException`, like `KeyboardInterrupt`, so that a handler's `except Exception` cannot swallow it."""


class StopSignals:
    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self.requested = threading.Event()
        self._in_job = False
        self._overdue = False
        self._previous: dict[int, object] = {}

    def install(self) -> StopSignals:
        for signum, handler in (
            (signal.SIGTERM, self._on_stop),
            (signal.SIGINT, self._on_stop),
            (signal.SIGALRM, self._on_deadline),
        ):
            self._previous[signum] = signal.signal(signum, handler)
        return self

    def uninstall(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]
        self._previous.clear()

    def _on_stop(self, signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.requested.is_set():
            log.warning("second stop signal: giving the current job back", extra={"signal": name})
            self._interrupt()
            return
        self.requested.set()
        log.info(
            "stopping: no new jobs, finishing the current one",
            extra={"signal": name, "grace_seconds": self.grace_seconds},
        )
        signal.setitimer(signal.ITIMER_REAL, max(self.grace_seconds, 0.001))

    def _on_deadline(self, _signum: int, _frame: FrameType | None) -> None:
        log.warning("grace period over: giving the current job back", extra={"grace_seconds": self.grace_seconds})
        self._interrupt()

    def _interrupt(self) -> None:
        self._overdue = True
        if self._in_job:
            raise WorkerStopped

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Where `WorkerStopped` may be raised: around a job handler's unit of work."""
        if self._overdue:
            raise WorkerStopped
        self._in_job = True
        try:
            yield
        finally:
            self._in_job = False
