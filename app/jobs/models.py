from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Job(Base):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(60))
    """Names the registered handler, e.g. `mail.send`, `registry.rematch`."""
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    """`pending`, `running`, `done`, `dead` (gave up after max_attempts)."""
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    locked_at: Mapped[datetime | None]
    """When a worker claimed it; a running job whose claim is older than the lease is taken over."""
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    """At most one unfinished job per key; cleared when the job finishes."""
    last_error: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(128))
    """The request (or job) that enqueued it: the worker logs with it, so one inquiry can be followed from the HTTP
    request through its jobs and mails."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_job_status_run_after", "status", "run_after"),)
