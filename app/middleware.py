"""Request middleware: request ids, access log, safe default headers, last-resort error rendering.

A pure ASGI middleware (not `BaseHTTPMiddleware`) so it adds no per-request task and streams untouched.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.context import client_ip_var, request_id_var, user_agent_var
from app.errors import PROBLEM_JSON, failure_problem

log = logging.getLogger("app.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, trust_forwarded_for: bool = False) -> None:
        self.app = app
        self.trust_forwarded_for = trust_forwarded_for

    def _client_ip(self, scope: Scope, headers: dict[bytes, bytes]) -> str | None:
        if self.trust_forwarded_for and b"x-forwarded-for" in headers:
            return headers[b"x-forwarded-for"].decode("latin-1").split(",")[0].strip()
        client = scope.get("client")
        return client[0] if client else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        supplied = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        tokens = (
            request_id_var.set(request_id),
            client_ip_var.set(self._client_ip(scope, headers)),
            user_agent_var.set(headers.get(b"user-agent", b"").decode("latin-1")[:256] or None),
        )
        path: str = scope["path"]
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                out = MutableHeaders(scope=message)
                out["X-Request-ID"] = request_id
                out.setdefault("X-Content-Type-Options", "nosniff")
                out.setdefault("Referrer-Policy", "no-referrer")
                out.setdefault("X-Frame-Options", "DENY")
                if not path.startswith(_DOCS_PATHS) and not path.startswith("/static"):
                    # Case data must never sit in a shared or browser cache.
                    out["Cache-Control"] = "no-store"
                if path.startswith("/api"):
                    out.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            body, extra_headers = failure_problem(exc, path)  # logs it, without its message
            if not response_started:
                await _send_problem(send_wrapper, body, extra_headers)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": path,  # never the query string: searches carry names
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            for var, token in zip((request_id_var, client_ip_var, user_agent_var), tokens, strict=True):
                var.reset(token)  # type: ignore[attr-defined]


async def _send_problem(send: Send, body: dict[str, Any], extra_headers: dict[str, str]) -> None:
    """The last resort: an exception that escaped the app's handlers (raised while streaming, or by middleware)."""
    payload = json.dumps(body).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(payload)).encode())]
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in extra_headers.items()]
    await send({"type": "http.response.start", "status": body["status"], "headers": headers})
    await send({"type": "http.response.body", "body": payload})
