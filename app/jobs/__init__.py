"""A durable job queue in the database (the outbox): work that may fail or must survive a crash.

Services `enqueue(...)` in the same transaction as the change that calls for the work, so a job exists exactly when
its cause was committed. Workers claim jobs with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite
serializes writers anyway), run each in its own transaction, retry with back-off, and give up after
`max_attempts`, keeping the error type for an operator to see.
"""

from app.jobs.queue import enqueue, handler, run_pending

__all__ = ["enqueue", "handler", "run_pending"]
