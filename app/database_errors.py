"""Which database errors mean "try again in a moment" rather than "a bug".

A lost or refused connection, a server shutting down, an exhausted pool, a busy SQLite file: the request did
nothing wrong and will likely succeed shortly, so clients get `503` with `Retry-After` instead of `500`. A
serialization failure or deadlock on PostgreSQL is the same for the client: the transaction was rolled back whole,
and a retry (with its `Idempotency-Key`) is safe.

Classification reads error codes and types only, never messages, which may carry personal data.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

from sqlalchemy import exc as sa_exc

RETRY_AFTER_UNAVAILABLE = 5
RETRY_AFTER_CONFLICT = 1

# SQLSTATE classes and codes for a connection that failed or a server that cannot serve now.
_UNAVAILABLE_CLASSES = ("08",)  # connection exception
_UNAVAILABLE_CODES = {
    "57P01",  # admin_shutdown
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (starting up, recovering)
    "53300",  # too_many_connections
}
_CONFLICT_CODES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
# SQLite primary result codes: busy past the busy timeout, locked, cannot open the file, I/O error.
_SQLITE_UNAVAILABLE = {5, 6, 10, 14}


def _sqlstate(error: BaseException | None) -> str | None:
    code = getattr(error, "sqlstate", None)
    return code if isinstance(code, str) else None


Transience = Literal["unavailable", "conflict"]


def transient_kind(exc: BaseException) -> Transience | None:
    """`unavailable` (the database cannot be reached or cannot serve), `conflict` (the transaction lost a race and
    was rolled back), or None when the error is not a transient database failure."""
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return "unavailable"  # pool exhausted, or a connection that died on checkout
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    if exc.connection_invalidated:
        return "unavailable"
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        return "unavailable" if isinstance(code, int) and code & 0xFF in _SQLITE_UNAVAILABLE else None
    sqlstate = _sqlstate(orig)
    if sqlstate in _CONFLICT_CODES:
        return "conflict"
    if sqlstate in _UNAVAILABLE_CODES or (sqlstate and sqlstate.startswith(_UNAVAILABLE_CLASSES)):
        return "unavailable"
    # The driver's connection-level errors (refused, reset, closed) carry no SQLSTATE: no server said anything.
    if sqlstate is None and isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return "unavailable"
    return None


def retry_after_seconds(exc: BaseException) -> int | None:
    """Seconds a client should wait before retrying, or None when it should not retry."""
    kind = transient_kind(exc)
    if kind is None:
        return None
    return RETRY_AFTER_UNAVAILABLE if kind == "unavailable" else RETRY_AFTER_CONFLICT
