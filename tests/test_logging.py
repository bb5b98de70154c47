"""The JSON log formatter, fed real database errors whose messages carry personal data.

A database error's message holds the SQL statement and its parameters. Each test puts canary personal data into
the statement, lets the real database fail, logs the error the way the app does, and checks the one JSON line: the
type, causes, SQLSTATE, a stable error id and code locations are there; the canaries are not.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.context import request_id_var
from app.database_errors import retry_after_seconds
from app.db import create_db_engine
from app.jobs.models import Job
from app.logging import JsonFormatter
from app.transaction import unit_of_work

CANARY_NAME = "Kanareikina Olena Petrivna"
CANARY_PHONE = "+380 67 123 45 67"
CANARIES = (CANARY_NAME, CANARY_PHONE, "Kanareikina", "123 45 67")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_line(exc: BaseException, message: str = "unhandled error") -> tuple[str, dict[str, Any]]:
    """Log `exc` through a logger whose one handler uses the app's formatter; return the raw line and its JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"test.logging.{id(exc)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.error(message, exc_info=exc)
    raw = stream.getvalue()
    assert raw.count("\n") == 1, raw  # one line, not a traceback
    return raw, json.loads(raw)


def assert_no_canary(raw: str) -> None:
    for canary in CANARIES:
        assert canary not in raw
        assert json.dumps(canary, ensure_ascii=False)[1:-1] not in raw


def test_log_connection_refused_names_type_and_frames_without_message(capsys):
    engine = create_db_engine(f"postgresql+psycopg://liaison@127.0.0.1:{_free_port()}/liaison")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT :name"), {"name": CANARY_NAME})
    except OperationalError as exc:
        error = exc
    finally:
        engine.dispose()
    raw, line = log_line(error)
    assert line["level"] == "error" and line["msg"] == "unhandled error"
    assert line["error"] == "sqlalchemy.exc.OperationalError"
    assert "psycopg.OperationalError" in line["causes"]
    assert "sqlstate" not in line  # no server answered
    assert len(line["error_id"]) == 12
    assert any("test_logging.py" in frame and "in test_log_connection_refused" in frame for frame in line["frames"])
    assert "Connection refused" not in raw and "127.0.0.1" not in raw
    assert_no_canary(raw)
    assert capsys.readouterr().err == ""  # logging never fell back to printing the traceback


def _insert_twice(session_factory: Any) -> IntegrityError:
    payload = {"requester": CANARY_NAME, "phone": CANARY_PHONE}
    try:
        with unit_of_work(session_factory) as session:
            session.add(Job(kind="mail.send", payload=payload, dedupe_key=CANARY_NAME))
            session.flush()
            session.add(Job(kind="mail.send", payload=payload, dedupe_key=CANARY_NAME))
            session.flush()
    except IntegrityError as exc:
        return exc
    raise AssertionError("the duplicate dedupe key was accepted")


def test_log_integrity_error_keeps_sql_parameters_out(session_factory, backend, capsys):
    error = _insert_twice(session_factory)
    assert CANARY_NAME in str(error)  # the message really does carry the personal data
    raw, line = log_line(error)
    assert line["error"] == "sqlalchemy.exc.IntegrityError"
    if backend == "postgresql":
        assert line["sqlstate"] == "23505"
        assert "psycopg.errors.UniqueViolation" in line["causes"]
    else:
        assert "sqlite3.IntegrityError" in line["causes"]
    assert any("in _insert_twice" in frame for frame in line["frames"])
    assert "INSERT" not in raw and "dedupe_key" not in raw
    assert_no_canary(raw)
    assert capsys.readouterr().err == ""


def test_error_id_is_the_same_for_the_same_fault_and_differs_for_another(session_factory, backend):
    first = log_line(_insert_twice(session_factory))[1]["error_id"]
    second = log_line(_insert_twice(session_factory))[1]["error_id"]
    try:
        raise KeyError(CANARY_NAME)
    except KeyError as exc:
        other_raw, other = log_line(exc)
    assert first == second
    assert other["error_id"] != first and other["error"] == "KeyError"
    assert_no_canary(other_raw)


@pytest.mark.backends("postgresql")
def test_log_serialization_failure_on_postgresql(session_factory, backend, capsys):
    """Two serializable transactions each read what the other writes: PostgreSQL aborts one (SQLSTATE 40001)."""
    with unit_of_work(session_factory) as session:
        session.add_all(Job(kind="test.serial", payload={}, dedupe_key=f"serial-{n}") for n in range(2))
    engine = session_factory.kw["bind"]
    both_read = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def writer(own: int) -> None:
        try:
            connection = engine.connect().execution_options(isolation_level="SERIALIZABLE")
            with connection, connection.begin():
                connection.execute(text("SELECT count(*) FROM job WHERE kind = 'test.serial'")).scalar()
                both_read.wait()
                connection.execute(
                    text("UPDATE job SET payload = :payload WHERE dedupe_key = :key"),
                    {"payload": json.dumps({"requester": CANARY_NAME}), "key": f"serial-{own}"},
                )
                connection.execute(
                    text(
                        "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_after, created_at) "
                        "VALUES ('test.serial', :payload, 'pending', 0, 1, now(), now())"
                    ),
                    {"payload": json.dumps({"phone": CANARY_PHONE})},
                )
        except OperationalError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(errors) == 1, errors
    raw, line = log_line(errors[0], "database conflict")
    assert line["error"] == "sqlalchemy.exc.OperationalError"
    assert line["sqlstate"] == "40001"
    assert "psycopg.errors.SerializationFailure" in line["causes"]
    assert any("in writer" in frame for frame in line["frames"])
    assert retry_after_seconds(errors[0]) == 1  # and clients are told to retry, not that it is a bug
    assert_no_canary(raw)
    assert capsys.readouterr().err == ""


def test_log_line_carries_request_id_and_extra_fields():
    token = request_id_var.set("req-canary-0001")
    try:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        logger = logging.getLogger("test.logging.extra")
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.info("job done", extra={"kind": "mail.send"})
    finally:
        request_id_var.reset(token)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "req-canary-0001" and line["kind"] == "mail.send" and line["msg"] == "job done"


def test_formatter_that_cannot_format_still_writes_one_json_line(capsys):
    record = logging.makeLogRecord({"msg": "%s and %s", "args": (CANARY_NAME,), "name": "test.bad"})
    raw = JsonFormatter().format(record)
    line = json.loads(raw)
    assert line["msg"] == "log record could not be formatted" and line["source_logger"] == "test.bad"
    assert_no_canary(raw)
