"""`make bench-http`: the project over HTTP as users load it, against a bare FastAPI anchor in the same run.

For each backend (SQLite, a throwaway PostgreSQL), on one seeded database: the anchor (`bench/anchor.py`, a one-row
read by primary key) and the project (`liaison serve --workers 2`; on SQLite with the embedded worker as `make run`
has it, on PostgreSQL with a `liaison worker` process as compose has it) are started in turn, A/B/A/B, and loaded
with `wrk` (Debian's `wrk` package) at 32 connections:

- portal status read, HTML page (cookie) and JSON API (bearer); staff case read: every one audited;
- writes under load: inquiries (unique Idempotency-Key each) and case transitions (If-Match from the last reply);
- registry lookups at 1 and at 4 concurrent clients.

Each line gives req/s, p50, p99, the non-2xx count and the ratio against the anchor of the same round. Targets
(issue 13): reads >= 0.5x the anchor with p99 < 50 ms; writes p99 < 200 ms; lookups at 4 clients >= 1.6x one
client. After the runs the audit chain must verify with every event sealed. The load average is printed with each
round: the machine is shared, so compare ratios within a run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from app.audit import sealer, system_actor
from app.audit.chain import verify
from app.auth.service import open_session
from app.cases.models import Case
from app.config import Settings
from app.db import read_session
from app.staff.models import StaffUser
from app.staff.service import create_user
from app.transaction import unit_of_work
from bench.common import BACKENDS, Database, cpu_note, databases, git_revision, timed_import
from bench.synth import synthetic_rows, write_csv
from tests.portal.factories import make_case, make_family

SIGNING_KEY = "bench-" + "k" * 40  # bench.common's databases sign with this key
WRK_HINT = "wrk was not found: install Debian's `wrk` package (apt-get install wrk)"
WRITERS = 32

REPORT_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""

GET_LUA = r"""
wrk.method = "GET"
{headers}
"""

INQUIRY_LUA = r"""
local counter, run = 0, "{run}"
local template = [[{body}]]
setup = function(thread) thread:set("tid", tostring(math.random(1, 1000000000))) end
request = function()
  counter = counter + 1
  local body = string.gsub(template, "BENCHNAME", "Бенч" .. tid .. "x" .. counter)
  return wrk.format("POST", "/api/v1/inquiries", {{
    ["Authorization"] = "{auth}", ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. counter}}, body)
end
"""

TRANSITION_LUA = r"""
local refs, next_ref = {{{refs}}}, 1
setup = function(thread)
  thread:set("ref", refs[next_ref])
  next_ref = next_ref % #refs + 1
end
local tag, target, posted = nil, "not_found", false
request = function()
  if tag == nil then
    posted = false
    return wrk.format("GET", "/api/v1/cases/" .. ref, {{["Authorization"] = "{auth}"}})
  end
  posted = true
  return wrk.format("POST", "/api/v1/cases/" .. ref .. "/transitions", {{
    ["Authorization"] = "{auth}", ["Content-Type"] = "application/json", ["If-Match"] = tag}},
    '{{"to_state":"' .. target .. '","reason":"bench"}}')
end
response = function(status, headers, body)
  local got = headers["etag"] or headers["ETag"]
  if status == 200 and got then
    if posted then target = (target == "not_found") and "searching" or "not_found" end
    tag = got
  else
    tag = nil
  end
end
"""

LOOKUP_LUA = r"""
local bodies, i = {{{bodies}}}, 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/registry/lookups", {{
    ["Authorization"] = "{auth}", ["Content-Type"] = "application/json"}}, bodies[i])
end
"""


@dataclass
class Seeded:
    anchor_id: str
    staff_token: str
    family_reference: str
    family_code: str
    transition_refs: list[str]
    lookup_bodies: list[str]
    family_cookie: str = ""
    family_token: str = ""


@dataclass
class Result:
    route: str
    rps: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    errors: int
    load: float


@dataclass
class Runs:
    rounds: list[dict[str, Result]] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(db: Database, persons: int) -> Seeded:
    settings: Settings = db.factory.kw["info"]["settings"]
    with unit_of_work(db.factory) as session:
        anchor = StaffUser(
            username="bench-anchor", email="anchor@bench.invalid", full_name="Anchor", password_hash="x", roles=[]
        )
        session.add(anchor)
        user = create_user(
            session,
            actor=system_actor(),
            username="bench-supervisor",
            email="supervisor@bench.invalid",
            full_name="Bench Supervisor",
            password="bench password, long enough",
            roles=["supervisor"],
        )
        pair = open_session(session, settings, user)
        case, _inquiry, code = make_family(session)
        refs = [make_case(session, state="searching").reference for _ in range(WRITERS)]
        anchor_id, reference = str(anchor.id), case.reference
    rows = list(synthetic_rows(persons, embed_dev=False))
    path = Path(tempfile.mkdtemp(prefix="liaison-bench-http-")) / "registry.csv"
    write_csv(path, iter(rows))
    timed_import(db, path)
    shutil.rmtree(path.parent, ignore_errors=True)
    db.vacuum()
    bodies = [
        json.dumps({"surname": r["surname"], "given_name": r["given_name"], "date_of_birth": r["date_of_birth"]})
        for r in rows[:: max(1, len(rows) // 50)][:50]
    ]
    return Seeded(anchor_id, pair.access_token, reference, code, refs, bodies)


@contextmanager
def serve(command: list[str], env: dict[str, str], port: int, ready_path: str) -> Iterator[list[int]]:
    """A server in its own process group, ready when `ready_path` answers; yields the pids of its processes."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read() if process.stderr else ''}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server not ready within 90 s")
        time.sleep(1.0)  # every worker process up
        yield [process.pid, *_children(process.pid)]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(proc.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def rss_mb(pids: list[int]) -> list[float]:
    sizes = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return sizes


def wrk(url: str, script: str, *, connections: int, threads: int, seconds: int, route: str) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script + REPORT_LUA)
        path = fh.name
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", path,
             url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(path)
    match = re.search(r"^BENCH (\{.*\})$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk gave no report:\n{out}")
    data = json.loads(match.group(1))
    return Result(
        route,
        data["requests"] / (data["duration_us"] / 1e6),
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
        data["non2xx"],
        data["socket_errors"],
        os.getloadavg()[0],
    )


def _headers_lua(headers: dict[str, str]) -> str:
    return "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())


def sign_in_family(base: str, seeded: Seeded) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.post(
            "/api/v1/portal/token", json={"reference": seeded.family_reference, "access_code": seeded.family_code}
        )
        token.raise_for_status()
        seeded.family_token = token.json()["access_token"]
        page = http.get("/portal")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None, "no CSRF token on the sign-in page"
        signed = http.post(
            "/portal/sign-in",
            data={"reference": seeded.family_reference, "access_code": seeded.family_code, "csrf_token": csrf[1]},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        seeded.family_cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def project_routes(seeded: Seeded, run: str) -> list[tuple[str, str, str, int, int]]:
    """(route, path, lua, connections, threads)."""
    auth = f"Bearer {seeded.staff_token}"
    body = json.dumps(
        {
            "channel": "phone",
            "requester": {"full_name": "Иванова Мария Петровна", "relationship": "mother", "phone": "+79161234567",
                          "language": "ru", "country": "RU"},
            "consent": {"store": True, "contact_phone": True},
            "sought": {"surname": "BENCHNAME", "given_name": "Алексей", "date_of_birth": "1999-03-14"},
        },
        ensure_ascii=False,
    )  # fmt: skip
    lookups = ",".join("[[" + b + "]]" for b in seeded.lookup_bodies)
    refs = ",".join(f'"{r}"' for r in seeded.transition_refs)
    return [
        ("portal status HTML", f"/portal/cases/{seeded.family_reference}",
         GET_LUA.format(headers=_headers_lua({"Cookie": seeded.family_cookie})), 32, 2),
        ("portal status JSON", "/api/v1/portal/case",
         GET_LUA.format(headers=_headers_lua({"Authorization": f"Bearer {seeded.family_token}"})), 32, 2),
        ("staff case read", f"/api/v1/cases/{seeded.family_reference}",
         GET_LUA.format(headers=_headers_lua({"Authorization": auth})), 32, 2),
        ("write: inquiries", "/api/v1/inquiries", INQUIRY_LUA.format(run=run, body=body, auth=auth), 32, 2),
        ("write: transitions", "/", TRANSITION_LUA.format(refs=refs, auth=auth), WRITERS, WRITERS),
        ("lookups, 1 client", "/", LOOKUP_LUA.format(bodies=lookups, auth=auth), 1, 1),
        ("lookups, 4 clients", "/", LOOKUP_LUA.format(bodies=lookups, auth=auth), 4, 4),
    ]  # fmt: skip


def bench_backend(db: Database, args: argparse.Namespace) -> None:
    seeded = seed(db, args.persons)
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": db.url,
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_JWT_SIGNING_KEY": SIGNING_KEY,
        "LIAISON_LOG_LEVEL": "WARNING",
        "LIAISON_EMBEDDED_WORKER": "true" if db.backend == "sqlite" else "false",
        "BENCH_ANCHOR_ID": seeded.anchor_id,
    }
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "--workers", "2", "--no-access-log", "--log-level",
               "warning", "--loop", "uvloop", "--http", "httptools", "--host", "127.0.0.1"]  # fmt: skip
    runs = Runs()
    rss: dict[str, list[float]] = {}
    for round_no in range(1, args.rounds + 1):
        results: dict[str, Result] = {}
        port = _free_port()
        with serve([*uvicorn, "--port", str(port), "bench.anchor:create_anchor"], env, port, "/row") as pids:
            script = GET_LUA.format(headers="")
            wrk(f"http://127.0.0.1:{port}/row", script, connections=4, threads=2, seconds=1, route="anchor")
            results["anchor"] = wrk(f"http://127.0.0.1:{port}/row", script, connections=32, threads=2,
                                    seconds=args.seconds, route="anchor")  # fmt: skip
            rss["anchor"] = rss_mb(pids[1:])
        port = _free_port()
        project_env = {**env, "LIAISON_PORT": str(port)}
        command = [sys.executable, "-m", "app.cli", "serve", "--workers", "2"]
        with serve(command, project_env, port, "/healthz") as pids, _worker(db, project_env):
            base = f"http://127.0.0.1:{port}"
            if not seeded.family_token:
                sign_in_family(base, seeded)
            for route, path, script, connections, threads in project_routes(seeded, uuid.uuid4().hex[:8]):
                # Warm up (first requests load the lookup engine's tables, compile queries): not counted.
                wrk(base + path, script, connections=min(connections, 4), threads=min(threads, 4), seconds=1,
                    route=route)  # fmt: skip
                results[route] = wrk(base + path, script, connections=connections, threads=threads,
                                     seconds=args.seconds, route=route)  # fmt: skip
            rss["project"] = rss_mb(pids[1:])
        runs.rounds.append(results)
        report_round(db.backend, round_no, results)
    report_summary(db.backend, runs, rss)
    sealer.seal(db.factory)
    with read_session(db.factory) as session:
        result = verify(session)
        cases = len(session.execute(select(Case.id)).all())
    print(
        f"{db.backend}: audit chain {'verifies' if result.ok else 'DOES NOT VERIFY'}: {result.events_checked:,} "
        f"events sealed, {result.unsealed} unsealed; {cases:,} cases",
        flush=True,
    )


@contextmanager
def _worker(db: Database, env: dict[str, str]) -> Iterator[None]:
    if db.backend == "sqlite":  # the embedded worker of each server process seals and runs jobs
        yield
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def report_round(backend: str, round_no: int, results: dict[str, Result]) -> None:
    anchor = results["anchor"].rps
    print(f"\n{backend}, round {round_no} (anchor, then project):", flush=True)
    print(f"  {'route':22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8} {'load':>5}")
    for result in results.values():
        print(
            f"  {result.route:22} {result.rps:8.0f} {result.p50_ms:8.1f} {result.p99_ms:8.1f} "
            f"{result.rps / anchor:6.2f} {result.non2xx + result.errors:8d} {result.load:5.1f}",
            flush=True,
        )


def report_summary(backend: str, runs: Runs, rss: dict[str, list[float]]) -> None:
    def mean(route: str, attr: str) -> float:
        return sum(getattr(r[route], attr) for r in runs.rounds) / len(runs.rounds)

    anchor = mean("anchor", "rps")
    print(f"\n{backend}, mean of {len(runs.rounds)} rounds:", flush=True)
    for route in runs.rounds[0]:
        rps, p99 = mean(route, "rps"), mean(route, "p99_ms")
        print(f"  {route:22} {rps:8.0f} req/s  p99 {p99:7.1f} ms  ratio {rps / anchor:5.2f}", flush=True)
    one, four = mean("lookups, 1 client", "rps"), mean("lookups, 4 clients", "rps")
    p99_one, p99_four = mean("lookups, 1 client", "p99_ms"), mean("lookups, 4 clients", "p99_ms")
    print(
        f"  lookups scale {four / one:.2f}x from 1 to 4 clients (target >= 1.6x), "
        f"p99 {p99_four / p99_one:.2f}x (target <= 2x)",
        flush=True,
    )
    for name, sizes in rss.items():
        print(f"  RSS per worker process, {name}: {', '.join(f'{s:.0f} MB' for s in sizes)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="per route and round")
    parser.add_argument("--rounds", type=int, default=2, help="A/B rounds")
    parser.add_argument("--persons", type=int, default=20_000, help="registry persons for the lookups")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(WRK_HINT)
    print(f"bench-http at {git_revision()}: {args.rounds} rounds of {args.seconds} s per route; {cpu_note()}")
    with databases([b for b in args.backends.split(",") if b]) as dbs:
        for db in dbs:
            bench_backend(db, args)


if __name__ == "__main__":
    main()
