"""`make bench-intake`: POST /api/v1/inquiries latency as the number of open cases grows, on PostgreSQL.

A throwaway durable PostgreSQL is filled with open cases (each with its relative's inquiry and its name keys, drawn
from the development set's distributions by `bench.synth`, so common names recur as in real lists), in steps
(1,000 / 10,000 / 100,000 by default). At each step the same kind of new inquiries are posted through the app,
sequentially, and the latency percentiles are printed with their ratio to the first step. Every POST runs the full
intake: validation, the case, the duplicate check, the family's access code (argon2id), the audit record.

Target: p95 <= 100 ms at 100,000 open cases, and growth no worse than logarithmic in the number of cases.
The bulk load writes rows directly (the service would hash an access code per case); the posted inquiries go
through the real API. `BENCH_ARGS="--sizes 1000,5000 --requests 50"` for a quick run.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import time
import uuid
from datetime import UTC, datetime, timedelta
from itertools import islice

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text

from app.audit import system_actor
from app.auth.service import open_session
from app.cases.models import Case, CaseNameKey
from app.cases.nameindex import particulars_of
from app.cases.service import case_name_key
from app.cases.similarity import index_keys
from app.inquiries.models import Inquiry
from app.main import create_app
from app.staff.service import create_user
from app.transaction import unit_of_work
from bench.common import cpu_note, databases, git_revision, percentile
from bench.synth import synthetic_rows

BATCH = 2000


def _date(value: str) -> str | None:
    return value if len(value) == 10 and value[4] == "-" else None


def seed_cases(db, rows, start: int, count: int) -> None:
    """Insert `count` open cases with one inquiry each and their name keys, in batches."""
    now = datetime.now(UTC)
    done = 0
    while done < count:
        batch = list(islice(rows, min(BATCH, count - done)))
        cases, inquiries, keys = [], [], []
        for offset, row in enumerate(batch):
            number = start + done + offset
            case_id, inquiry_id = uuid.uuid4(), uuid.uuid4()
            sought = {
                "sought_surname": row["surname"] or None,
                "sought_given_name": row["given_name"] or None,
                "sought_patronymic": row["patronymic"] or None,
                "sought_date_of_birth": _date(row["date_of_birth"]),
                "sought_place_of_birth": row["place_of_birth"] or None,
                "sought_military_unit": row["military_unit"] or None,
                "sought_rank": row["rank"] or None,
                "sought_service_number": row["service_number"] or None,
            }
            case = Case(id=case_id, reference=f"BENCH{number:09d}", **sought)
            key = case_name_key(case)
            created = now - timedelta(minutes=number % 50_000)
            cases.append(
                {
                    "id": case_id,
                    "reference": f"BENCH{number:09d}",
                    "state": "open",
                    "priority": "normal",
                    "needs_review": False,
                    "has_pending_proposal": False,
                    "created_at": created,
                    "updated_at": created,
                    "family_updated_at": created,
                    "version": 1,
                    "sought_name_key": key,
                    **sought,
                }
            )
            inquiries.append(
                {
                    "id": inquiry_id,
                    "case_id": case_id,
                    "channel": "phone",
                    "received_at": created,
                    "requester_name": "Bench Requester",
                    "requester_name_key": "bench requester",
                    "requester_relationship": "mother",
                    "requester_language": "ru",
                    "consent_store": True,
                    "consent_contact_email": False,
                    "consent_contact_phone": False,
                    "created_at": created,
                    "sought_name_key": key,
                    **sought,
                }
            )
            for key_value in sorted(set(index_keys(particulars_of(case)))):
                keys.append({"case_id": case_id, "inquiry_id": None, "key": key_value})
                keys.append({"case_id": case_id, "inquiry_id": inquiry_id, "key": key_value})
        with unit_of_work(db.factory) as session:
            session.execute(insert(Case), cases)
            session.execute(insert(Inquiry), inquiries)
            session.execute(insert(CaseNameKey), keys)
        done += len(batch)


def vacuum(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text('VACUUM ANALYZE "case", inquiry, case_name_key'))
    engine.dispose()


def inquiry_body(row: dict[str, str], n: int) -> dict[str, object]:
    sought = {
        "surname": row["surname"] or "Невідомий",
        "given_name": row["given_name"] or None,
        "patronymic": row["patronymic"] or None,
        "date_of_birth": _date(row["date_of_birth"]),
    }
    return {
        "channel": "phone",
        "requester": {
            "full_name": f"Bench Caller {n}",
            "relationship": "mother",
            "phone": f"+38067{n % 10_000_000:07d}",
            "language": "uk",
        },
        "consent": {"store": True, "contact_phone": True},
        "sought": {k: v for k, v in sought.items() if v},
    }


def measure(client: TestClient, headers: dict[str, str], rows, requests: int, offset: int) -> list[float]:
    timings = []
    for n in range(requests):
        body = inquiry_body(next(rows), offset + n)
        started = time.perf_counter()
        response = client.post(
            "/api/v1/inquiries", json=body, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}
        )
        timings.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise SystemExit(f"POST /api/v1/inquiries answered {response.status_code}: {response.text[:300]}")
    return timings


def _stop_on_sigterm() -> None:
    """A benchmark stopped by SIGTERM (a timeout) still removes its throwaway cluster: raise, so `finally` runs."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)


def main() -> None:
    _stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="open cases at each step, ascending")
    parser.add_argument("--requests", type=int, default=200, help="inquiries posted at each step")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    random.seed(7)
    print(f"bench-intake at {git_revision()}: {cpu_note()}")
    rows = synthetic_rows(sizes[-1] + args.requests * (len(sizes) + 1) + 10, embed_dev=False, seed=20261130)
    results = []
    with databases(("postgresql",)) as made:
        db = next(made)
        settings = db.factory.kw["info"]["settings"]
        with unit_of_work(db.factory) as session:
            user = create_user(
                session,
                actor=system_actor(),
                username="bench-operator",
                email="bench@bench.invalid",
                full_name="Bench Operator",
                password="bench password " + "x" * 8,
                roles=["operator"],
            )
            pair = open_session(session, settings, user)
        headers = {"Authorization": f"Bearer {pair.access_token}"}
        app = create_app(settings.model_copy(update={"log_level": "WARNING"}))
        seeded = 0
        with TestClient(app) as client:
            measure(client, headers, rows, 10, 0)  # warm-up: imports, caches, connections
            for size in sizes:
                load_started = time.perf_counter()
                seed_cases(db, rows, seeded, size - seeded)
                seeded = size
                vacuum(db.url)
                load = time.perf_counter() - load_started
                timings = measure(client, headers, rows, args.requests, size * 10)
                p50, p95 = percentile(timings, 50) * 1000, percentile(timings, 95) * 1000
                results.append((size, p50, p95, load))
                print(
                    f"{size:>8,} open cases: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({args.requests} POSTs; "
                    f"loaded in {load:.0f} s; load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        app.state.engine.dispose()
    first = results[0]
    print("\ngrowth against the first step (p95 ratio; log10 ratio of case counts for comparison):")
    for size, _, p95, _ in results:
        log_ratio = math.log10(size) / math.log10(first[0])
        print(f"{size:>8,}: p95 x{p95 / first[2]:.2f}   log-growth x{log_ratio:.2f}")
    last = results[-1]
    verdict = "met" if last[2] <= 100 else "NOT met"
    print(f"target p95 <= 100 ms at {last[0]:,} open cases: {verdict} ({last[2]:.1f} ms)")


if __name__ == "__main__":
    main()
