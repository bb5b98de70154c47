"""Metrics read from the database at scrape time: the state every process and host shares.

The job queue (depth and age of the oldest due job per kind, running and dead jobs), registry import speed, and any
gauge another module registers with `database_gauge` (the audit sealer's lag). Each scrape runs a few aggregate
queries on indexed columns. A database that cannot be reached gives `liaison_database_up 0`, not a failed scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.db import utcnow
from app.jobs.models import Job
from app.jobs.queue import registered_kinds
from app.registry.models import RegistryImport

log = logging.getLogger("app.metrics")
GaugeReader = Callable[[Session], float | None]
_DATABASE_GAUGES: list[tuple[str, str, GaugeReader]] = []


def database_gauge(name: str, documentation: str) -> Callable[[GaugeReader], GaugeReader]:
    """Register `fn(session) -> value` as a gauge read at every scrape (None: no sample). For state another
    module owns, e.g. the audit sealer: `@database_gauge("liaison_audit_seal_lag_seconds", "...")`."""

    def register(fn: GaugeReader) -> GaugeReader:
        _DATABASE_GAUGES.append((name, documentation, fn))
        return fn

    return register


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


def job_metrics(session: Session, now: datetime) -> Iterator[Metric]:
    depth = GaugeMetricFamily("liaison_job_queue_depth", "Jobs due and waiting for a worker", labels=["kind"])
    oldest = GaugeMetricFamily(
        "liaison_job_oldest_age_seconds", "How long the oldest due job has waited for a worker", labels=["kind"]
    )
    running = GaugeMetricFamily("liaison_jobs_running", "Jobs a worker is running now", labels=["kind"])
    dead = GaugeMetricFamily("liaison_jobs_dead", "Jobs given up after their last attempt", labels=["kind"])
    waiting = session.execute(
        select(Job.kind, Job.status, func.count(), func.min(Job.run_after))
        .where(or_((Job.status == "pending") & (Job.run_after <= now), Job.status == "running"))
        .group_by(Job.kind, Job.status)
    ).all()
    dead_counts: dict[str, int] = {
        kind: count
        for kind, count in session.execute(
            select(Job.kind, func.count()).where(Job.status == "dead").group_by(Job.kind)
        ).all()
    }
    due = {kind: (count, first) for kind, status, count, first in waiting if status == "pending"}
    busy = {kind: count for kind, status, count, _ in waiting if status == "running"}
    for kind in sorted(set(registered_kinds()) | set(due) | set(busy) | set(dead_counts)):
        count, first = due.get(kind, (0, None))
        depth.add_metric([kind], count)
        oldest.add_metric([kind], _seconds_since(first, now))
        running.add_metric([kind], busy.get(kind, 0))
        dead.add_metric([kind], dead_counts.get(kind, 0))
    yield from (depth, oldest, running, dead)


def registry_import_metrics(session: Session, now: datetime) -> Iterator[Metric]:
    speed = GaugeMetricFamily(
        "liaison_registry_import_rows_per_second",
        "Rows per second of the running registry imports (summed), and of the last finished one",
        labels=["import"],
    )
    running = session.execute(
        select(RegistryImport.rows_processed, RegistryImport.started_at, RegistryImport.heartbeat_at).where(
            RegistryImport.status == "running"
        )
    ).all()
    total = 0.0
    for rows, started, heartbeat in running:
        elapsed = _seconds_since(started, heartbeat or now)
        total += rows / elapsed if elapsed > 0 else 0.0
    speed.add_metric(["running"], total)
    last = session.execute(
        select(RegistryImport.rows_processed, RegistryImport.started_at, RegistryImport.finished_at)
        .where(RegistryImport.finished_at.is_not(None), RegistryImport.started_at.is_not(None))
        .order_by(RegistryImport.finished_at.desc())
        .limit(1)
    ).first()
    if last is not None:
        rows, started, finished = last
        elapsed = _seconds_since(started, finished or now)
        speed.add_metric(["last_finished"], rows / elapsed if elapsed > 0 else 0.0)
    yield speed
    yield GaugeMetricFamily("liaison_registry_imports_running", "Registry imports running now", value=len(running))


def registered_gauges(session: Session) -> Iterator[Metric]:
    for name, documentation, fn in _DATABASE_GAUGES:
        value = fn(session)
        if value is not None:
            yield GaugeMetricFamily(name, documentation, value=value)


class DatabaseCollector(Collector):
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("liaison_database_up", "1 when the database answered this scrape's queries")
        families: list[Metric] = []
        session = self.factory()
        try:
            now = utcnow()
            for source in (job_metrics, registry_import_metrics):
                families.extend(source(session, now))
            families.extend(registered_gauges(session))
            up.add_metric([], 1)
        except SQLAlchemyError as exc:
            log.warning("metrics: database not readable", exc_info=exc)
            up.add_metric([], 0)
            families = []
        finally:
            session.close()  # a read-only scrape: closing ends (rolls back) its transaction
        return [up, *families]


@database_gauge(
    "liaison_audit_seal_lag_seconds", "Age of the oldest audit event not yet sealed into the hash chain (0: none)"
)
def audit_seal_lag(session: Session) -> float:
    oldest = session.execute(select(func.min(AuditEvent.occurred_at)).where(AuditEvent.seq.is_(None))).scalar()
    return _seconds_since(oldest, utcnow())
