"""Serving `/metrics`: to a scraper with the token or from an operator network, never to the public.

Everyone else gets the same `404` as for any unknown path, so the endpoint's existence is not advertised. A request
relayed by a proxy (`X-Forwarded-For` or `Forwarded` present) never qualifies by network: behind a proxy in the
operator network, every public request would otherwise come from an operator address.

`/metrics` is answered by `MetricsMiddleware` before routing, so it is no API route (not in the OpenAPI document,
not behind the staff permission table). The same middleware counts every other request by its route template.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import anyio
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import MetricsConfig
from app.database_errors import transient_kind
from app.errors import PROBLEM_JSON, problem
from app.metrics import observe_request
from app.metrics.database import DatabaseCollector

log = logging.getLogger("app.metrics")
METRICS_PATH = "/metrics"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own variable, read by the library itself


def may_scrape(config: MetricsConfig, *, authorization: str | None, peer: str | None, relayed: bool) -> bool:
    if config.token and authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), config.token.encode()):
            return True
    if config.networks and peer and not relayed:
        try:
            address = ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in config.networks)
    return False


class _ThisProcess(Collector):
    """This process's metrics (outside multiprocess mode), forwarded from the default registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def render(factory: sessionmaker[Session] | None) -> bytes:
    """The exposition text: the processes' counters and histograms (summed over all server processes in
    multiprocess mode), plus the database's shared state when `factory` is given."""
    registry = CollectorRegistry(auto_describe=False)
    try:
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    except ValueError:  # no multiprocess directory: a single process
        registry.register(_ThisProcess())
    if factory is not None:
        registry.register(DatabaseCollector(factory))
    return generate_latest(registry)


def route_template(scope: Scope) -> str:
    """`/api/v1/cases/{case_id}`, never the concrete path (bounded, and free of identifiers)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


def _not_found() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = json.dumps(problem(404, "not-found", "Not Found", "Not Found", METRICS_PATH)).encode()
    return 404, [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())], body


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, *, config: MetricsConfig, session_factory: sessionmaker[Session]) -> None:
        self.app = app
        self.config = config
        self.session_factory = session_factory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH:
            await self._serve(scope, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            status = 503 if transient_kind(exc) else 500  # as the outer middleware will answer
            raise
        finally:
            observe_request(scope.get("method", ""), route_template(scope), status, time.perf_counter() - started)

    async def _serve(self, scope: Scope, send: Send) -> None:
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        client = scope.get("client")
        allowed = may_scrape(
            self.config,
            authorization=headers.get("authorization"),
            peer=client[0] if client else None,
            relayed="x-forwarded-for" in headers or "forwarded" in headers,
        )
        if allowed and scope.get("method") in ("GET", "HEAD"):
            payload = await anyio.to_thread.run_sync(render, self.session_factory)
            status, out = 200, [(b"content-type", CONTENT_TYPE_LATEST.encode())]
            out.append((b"content-length", str(len(payload)).encode()))
        else:
            status, out, payload = _not_found()
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": payload if scope.get("method") != "HEAD" else b""})


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No raw access lines on stderr: every log line is JSON."""


def serve_process_metrics(config: MetricsConfig, host: str, port: int) -> WSGIServer:
    """Serve this process's `/metrics` (a worker's mail counters) in a daemon thread, with the same access rule."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        allowed = environ.get("PATH_INFO") == METRICS_PATH and may_scrape(
            config,
            authorization=environ.get("HTTP_AUTHORIZATION"),
            peer=environ.get("REMOTE_ADDR"),
            relayed="HTTP_X_FORWARDED_FOR" in environ or "HTTP_FORWARDED" in environ,
        )
        status, headers, body = (200, [(b"content-type", CONTENT_TYPE_LATEST.encode())], render(None))
        if not allowed:
            status, headers, body = _not_found()
        start_response(
            f"{status} {'OK' if status == 200 else 'Not Found'}",
            [(name.decode(), value.decode()) for name, value in headers if name != b"content-length"],
        )
        return [body]

    server = make_server(host, port, application, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("metrics served", extra={"port": server.server_port})
    return server


def prepare_multiprocess_directory() -> Path:
    """For `liaison serve --workers N`: give the server processes a fresh directory for their shared metrics.

    Uses `PROMETHEUS_MULTIPROC_DIR` when the operator set it (its `*.db` files of a previous run are removed: they
    would be summed in), else a new temporary directory. Set before the server processes start, which read it when
    they import prometheus-client."""
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        directory = Path(configured)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink(missing_ok=True)
    else:
        directory = Path(tempfile.mkdtemp(prefix="liaison-metrics-"))
        os.environ[MULTIPROC_ENV] = str(directory)
    return directory
