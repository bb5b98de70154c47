"""Structured JSON logs, one line per record, that never carry personal data.

Log lines carry the request id and only the fields we choose to emit. Request bodies, query strings and headers are
never logged. An exception is described by what an operator needs to find and group it, never by what it says:

- `error`: the exception's qualified type (`sqlalchemy.exc.IntegrityError`);
- `causes`: the types of the exceptions it was raised from (`psycopg.errors.UniqueViolation`);
- `sqlstate`: the database's error code where there is one (`23505`), a fixed code, never data;
- `error_id`: a short fingerprint of the type and the code locations it passed through, the same for every
  occurrence of the same fault, so alerts and searches can group them;
- `frames`: `file:line in function` for each frame, without local values or source text.

The exception's message and arguments are never read: a database error's message holds the SQL statement and its
parameters (names, phone numbers, notes), a validation error the rejected input. The formatter never raises either:
a formatter that fails makes Python's logging print the raw traceback, message and all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from app.context import job_id_var, request_id_var

_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_MAX_FRAMES = 40
_MAX_CAUSES = 5
_SITE_MARKERS = ("site-packages", "dist-packages")


def _type_name(exc_type: type[BaseException]) -> str:
    module = exc_type.__module__
    return exc_type.__qualname__ if module == "builtins" else f"{module}.{exc_type.__qualname__}"


def _short_path(filename: str) -> str:
    """A path that is the same on every machine: relative to site-packages or to the project's `app/` parent."""
    parts = Path(filename).parts
    for marker in _SITE_MARKERS:
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1 :])
    if "app" in parts:
        index = len(parts) - 1 - parts[::-1].index("app")
        return "/".join(parts[index:])
    return Path(filename).name


def _summary(tb: TracebackType | None) -> traceback.StackSummary:
    # Neither locals (capture_locals is off) nor source lines (lookup_lines=False) are read.
    return traceback.StackSummary.extract(traceback.walk_tb(tb), lookup_lines=False, capture_locals=False)


def exception_frames(tb: TracebackType | None) -> list[str]:
    """`path:line in function` for each frame, innermost last; no locals and no source lines are looked at."""
    summary = _summary(tb)
    frames = [f"{_short_path(frame.filename)}:{frame.lineno} in {frame.name}" for frame in summary]
    if len(frames) > _MAX_FRAMES:
        frames = [*frames[: _MAX_FRAMES // 2], "…", *frames[-_MAX_FRAMES // 2 :]]
    return frames


def exception_causes(exc: BaseException) -> list[BaseException]:
    """The exceptions `exc` was raised from (`__cause__`, else `__context__`), nearest first."""
    chain: list[BaseException] = []
    seen = {id(exc)}
    current = exc.__cause__ or exc.__context__
    while current is not None and id(current) not in seen and len(chain) < _MAX_CAUSES:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return chain


def sqlstate_of(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (its `orig` driver error or itself), when the driver reports one."""
    for candidate in (getattr(exc, "orig", None), exc):
        code = getattr(candidate, "sqlstate", None)
        if isinstance(code, str) and len(code) == 5 and code.isalnum():
            return code
    return None


def error_id(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """A fingerprint of the fault: its type and the functions it passed through (not line numbers, so a fix
    elsewhere in a file keeps the id); equal for every occurrence, different for different faults."""
    summary = _summary(tb)
    path = "|".join(f"{_short_path(frame.filename)}:{frame.name}" for frame in summary)
    digest = hashlib.sha256(f"{_type_name(exc_type)}|{path}".encode()).hexdigest()
    return digest[:12]


def describe_exception(
    exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None
) -> dict[str, Any]:
    """The fields a log line gets for an exception: never its message or arguments."""
    entry: dict[str, Any] = {"error": _type_name(exc_type), "error_id": error_id(exc_type, tb)}
    if exc is not None:
        causes = exception_causes(exc)
        if causes:
            entry["causes"] = [_type_name(type(cause)) for cause in causes]
        sqlstate = sqlstate_of(exc) or next((s for s in map(sqlstate_of, causes) if s), None)
        if sqlstate:
            entry["sqlstate"] = sqlstate
    entry["frames"] = exception_frames(tb)
    return entry


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        try:
            return json.dumps(self._entry(record), ensure_ascii=False, default=str)
        except Exception as exc:  # never let logging fall back to printing the raw record
            return json.dumps(
                {
                    "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "level": "error",
                    "logger": "app.logging",
                    "msg": "log record could not be formatted",
                    "error": _type_name(type(exc)),
                    "source_logger": str(getattr(record, "name", "")),
                }
            )

    def _entry(self, record: logging.LogRecord) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        job_id = job_id_var.get()
        if job_id is not None:
            entry["job_id"] = job_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, exc, tb = record.exc_info
            entry.update(describe_exception(exc_type, exc, tb))
        return entry


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Python's last-resort handler prints a failing handler's record raw; ours does not fail, and nothing else may.
    logging.raiseExceptions = False
    # uvicorn's access log prints query strings; we log requests ourselves in `app.middleware`.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
