"""/metrics: closed to the public, open to the token or an operator network; what it counts, and that no label
carries personal data or identifiers."""

from __future__ import annotations

import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from ipaddress import ip_network

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.config import PROJECT_ROOT, MetricsConfig
from app.db import utcnow
from app.jobs import enqueue
from app.main import create_app
from app.metrics import MAIL_SENT
from app.metrics.exposition import may_scrape, serve_process_metrics
from app.transaction import unit_of_work
from tests.conftest import make_settings
from tests.test_cli_lifecycle import _free_port, liaison_env, wait_until

TOKEN = "metrics-token-" + "m" * 40
CANARY = "Kanareikina"


@pytest.fixture
def metrics_client(db_url):
    app = create_app(make_settings(db_url, metrics={"token": TOKEN}))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def scrape(client, token: str = TOKEN) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def sample(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_closed_when_nothing_configured(client, backend):
    response = client.get("/metrics")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_metrics_refuse_a_wrong_token(metrics_client, backend):
    assert metrics_client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 54}).status_code == 404
    assert metrics_client.get("/metrics").status_code == 404


def test_requests_counted_by_route_template_without_identifiers(metrics_client, make_staff, backend):
    officer = make_staff("case_officer")
    person_id = uuid.uuid4()
    before = scrape(metrics_client)  # counters live for the process: compare differences
    assert metrics_client.get(f"/api/v1/registry/persons/{person_id}", headers=officer.headers).status_code == 404
    assert metrics_client.get(f"/api/v1/{CANARY}-Olena").status_code == 404
    for _ in range(2):
        metrics_client.post("/api/v1/auth/token", data={"username": f"{CANARY}-olena", "password": "w" * 14})
    after = scrape(metrics_client)

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    route = "/api/v1/registry/persons/{person_id}"
    assert grew("liaison_http_requests_total", method="GET", route=route, status="404") == 1
    assert grew("liaison_http_request_duration_seconds_count", method="GET", route=route) == 1
    assert grew("liaison_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert grew("liaison_sign_in_failures_total", audience="staff") == 2
    assert grew("liaison_http_requests_total", method="POST", route="/api/v1/auth/token", status="401") == 2
    text = metrics_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert str(person_id) not in text and CANARY not in text and "olena" not in text.lower()


def test_job_queue_depth_and_oldest_age_per_kind(metrics_client, session_factory, backend):
    with unit_of_work(session_factory) as session:
        first = enqueue(session, "mail.send", {"kind": "nothing"})
        enqueue(session, "mail.send", {"kind": "nothing"})
        enqueue(session, "registry.rematch", {}, delay=timedelta(hours=1))  # not due yet
        first.run_after = utcnow() - timedelta(minutes=10)
    samples = scrape(metrics_client)
    assert sample(samples, "liaison_database_up") == 1
    assert sample(samples, "liaison_job_queue_depth", kind="mail.send") == 2
    assert 600 <= sample(samples, "liaison_job_oldest_age_seconds", kind="mail.send") < 3600
    assert sample(samples, "liaison_job_queue_depth", kind="registry.rematch") == 0
    assert sample(samples, "liaison_jobs_running", kind="mail.send") == 0
    assert ("liaison_audit_seal_lag_seconds", ()) in samples and sample(samples, "liaison_audit_seal_lag_seconds") >= 0


def test_lookup_latency_and_candidates_observed(metrics_client, make_staff, backend):
    officer = make_staff("case_officer")
    before = scrape(metrics_client)
    response = metrics_client.post("/api/v1/registry/lookups", json={"surname": "Иванов"}, headers=officer.headers)
    assert response.status_code == 200, response.text
    after = scrape(metrics_client)
    assert (
        sample(after, "liaison_lookup_duration_seconds_count") - sample(before, "liaison_lookup_duration_seconds_count")
        == 1
    )
    assert sample(after, "liaison_lookup_candidates_count") - sample(before, "liaison_lookup_candidates_count") == 1
    assert "Иванов" not in metrics_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text


def test_operator_network_may_scrape_directly_but_never_through_a_proxy():
    config = MetricsConfig(networks=[ip_network("10.20.0.0/16"), ip_network("fd00::/8")])
    assert may_scrape(config, authorization=None, peer="10.20.3.4", relayed=False)
    assert may_scrape(config, authorization=None, peer="fd00::1", relayed=False)
    assert not may_scrape(config, authorization=None, peer="10.20.3.4", relayed=True)
    assert not may_scrape(config, authorization=None, peer="192.0.2.7", relayed=False)
    assert not may_scrape(config, authorization=None, peer="testclient", relayed=False)
    assert not may_scrape(MetricsConfig(), authorization=None, peer="127.0.0.1", relayed=False)


def test_token_shorter_than_32_characters_refused():
    with pytest.raises(ValueError, match="32"):
        MetricsConfig(token="short")


def test_worker_serves_its_own_counters_behind_the_same_rule():
    MAIL_SENT.labels("access_code").inc()
    server = serve_process_metrics(MetricsConfig(token=TOKEN), "127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{server.server_port}/metrics"
        assert httpx.get(base, timeout=10).status_code == 404
        response = httpx.get(base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert response.status_code == 200
        assert 'liaison_mail_sent_total{kind="access_code"}' in response.text
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.backends("postgresql")
def test_serve_with_two_processes_sums_their_counters(db_url, backend, tmp_path):
    """`liaison serve --workers 2` in multiprocess mode: every scrape, whichever process answers it, counts every
    request once."""
    port = _free_port()
    (tmp_path / "prom").mkdir()
    env = liaison_env(
        db_url, LIAISON_PORT=str(port), LIAISON_METRICS__TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom")
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--workers", "2"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            try:
                return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, "the server to become ready")
        requests = 120

        def hit(_: int) -> int:
            return httpx.get(f"{base}/healthz", timeout=30, headers={"Connection": "close"}).status_code

        # Many at once on new connections: while one process is busy, the other accepts.
        with ThreadPoolExecutor(max_workers=24) as pool:
            assert set(pool.map(hit, range(requests))) == {200}
        counts = set()
        for _ in range(6):  # several scrapes, answered by either process
            samples = scrape(httpx.Client(base_url=base, timeout=10))
            counts.add(sample(samples, "liaison_http_requests_total", method="GET", route="/healthz", status="200"))
        assert counts == {requests}
        # Every server process writes its own files; the scrape read them all (which process took which connection
        # is the kernel's choice, so the split itself is not asserted).
        assert list((tmp_path / "prom").glob("counter_*.db"))
    finally:
        server.terminate()
        server.wait(timeout=60)
