"""Prometheus metrics: what the service counts, and the one place their names and labels are declared.

Labels carry only bounded, non-personal values: HTTP methods, route templates (`/api/v1/cases/{case_id}`, never a
concrete path), status codes, job kinds, email kinds and exception type names. Never a name, an address, a
reference or an id.

Counters and histograms live in the process that observes them. `liaison serve --workers N` runs prometheus-client's
multiprocess mode (`PROMETHEUS_MULTIPROC_DIR`), so one scrape of any server process sums all of them. What is shared
across processes and hosts (the job queue, registry imports, the audit trail) is read from the database at scrape
time by `app.metrics.database`. Exposition and its access control are in `app.metrics.exposition`.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "liaison_http_requests", "HTTP requests answered, by route template and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "liaison_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
SIGN_IN_FAILURES = Counter("liaison_sign_in_failures", "Sign-ins refused for wrong credentials", ["audience"])
SIGN_IN_THROTTLED = Counter("liaison_sign_in_throttled", "Sign-ins refused by throttling (429)", ["audience"])
LOOKUP_LATENCY = Histogram("liaison_lookup_duration_seconds", "Time of one registry lookup", buckets=LATENCY_BUCKETS)
LOOKUP_CANDIDATES = Histogram(
    "liaison_lookup_candidates", "Candidates one registry lookup returned", buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100)
)
MAIL_SENT = Counter("liaison_mail_sent", "Emails handed to the SMTP relay", ["kind"])
MAIL_FAILED = Counter("liaison_mail_failed", "Emails the SMTP relay did not take (the job retries)", ["kind", "error"])

# Sign-in routes (method, route template) -> who signs in there. 401 from them is a failure, 429 a throttle.
SIGN_IN_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/auth/token"): "staff",
    ("POST", "/staff/sign-in"): "staff",
    ("POST", "/staff/sign-in/step"): "staff",
    ("POST", "/api/v1/portal/token"): "family",
    ("POST", "/portal/sign-in"): "family",
}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)
    audience = SIGN_IN_ROUTES.get((method, route))
    if audience is not None and status == 401:
        SIGN_IN_FAILURES.labels(audience).inc()
    elif audience is not None and status == 429:
        SIGN_IN_THROTTLED.labels(audience).inc()


def observe_lookup(seconds: float, candidates: int) -> None:
    LOOKUP_LATENCY.observe(seconds)
    LOOKUP_CANDIDATES.observe(candidates)
