"""`make bench-audit`: sealing and verifying the audit chain on SQLite and PostgreSQL.

Into a fresh database per backend: `--events` realistic events inserted unsealed (as requests insert them), sealed
by the sealer in its batches, then `liaison audit verify`'s check over the whole chain. Rates are events per
second of wall time and of this process's CPU time (the machine is shared: CPU time is the steadier figure).
Targets: verify >= 200,000 events/s; sealing faster than any request rate (a few thousand a second).
"""

from __future__ import annotations

import argparse
import os
import time

from app.audit import sealer
from app.audit.chain import verify
from app.audit.models import AuditEvent
from app.db import read_session, utcnow
from bench.common import BACKENDS, cpu_note, databases, git_revision

TARGET = 200_000
CHUNK = 20_000


def _events(count: int, start: int) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "occurred_at": now,
            "actor": "6f1c2a0e-1111-4444-8888-123456789abc",
            "actor_roles": ["case_officer"],
            "action": "case.viewed",
            "target_type": "case",
            "target_id": "3e0c1f9a-2222-4444-8888-abcdefabcdef",
            "request_id": f"{start + i:032x}",
            "client_ip": "10.0.0.1",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
            "details": {"fields": "full", "note": "Прочитано", "n": start + i},
        }
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=236_522)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    print(f"bench-audit at {git_revision()}: {args.events:,} events; {cpu_note()}", flush=True)
    with databases([b for b in args.backends.split(",") if b]) as dbs:
        for db in dbs:
            for start in range(0, args.events, CHUNK):
                with db.factory.begin() as session:
                    rows = _events(min(CHUNK, args.events - start), start)
                    session.connection().execute(AuditEvent.__table__.insert(), rows)  # type: ignore[attr-defined]
            wall, cpu = time.perf_counter(), time.process_time()
            sealed = sealer.seal(db.factory, batch=10_000)
            seal_wall, seal_cpu = time.perf_counter() - wall, time.process_time() - cpu
            with read_session(db.factory) as session:
                wall, cpu = time.perf_counter(), time.process_time()
                result = verify(session)
                verify_wall, verify_cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert result.ok and result.events_checked == sealed == args.events, result
            verdict = "meets" if result.events_checked / verify_wall >= TARGET else "below"
            print(
                f"{db.backend:10} seal {sealed / seal_wall:>9,.0f}/s wall {sealed / seal_cpu:>9,.0f}/s cpu | "
                f"verify {result.events_checked / verify_wall:>9,.0f}/s wall "
                f"{result.events_checked / verify_cpu:>9,.0f}/s cpu ({verdict} {TARGET:,}/s wall); "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
