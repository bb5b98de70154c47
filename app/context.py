"""Per-request context that audit events and logs need but that services should not have to thread through.

Set by the request middleware (or by a CLI command or job); read by `app.audit` and the log formatter.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)
user_agent_var: ContextVar[str | None] = ContextVar("user_agent", default=None)
job_id_var: ContextVar[int | None] = ContextVar("job_id", default=None)
