"""Database plumbing: the declarative `Base`, engines, and session factories.

One engine per process and database URL. SQLite is the embedded default and PostgreSQL the production database; the
same models, migrations and tests serve both. Transactions are owned by `app.transaction`, never by services.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Uuid, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.orm import Session as Session
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from app.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zone type and hands back naive values; PostgreSQL uses `timestamptz`. Normalizing here means
    no code ever compares a naive with an aware datetime.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
"""How JSON columns are stored: sorted keys, no white space, UTF-8. The audit chain hashes events in this form,
so verifying can hash the stored text as it is instead of parsing and re-encoding every event."""

READ_OPTION = "liaison_read"
"""Execution option that marks a read transaction (see `read_session`)."""
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"})


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, and writers that queue instead of failing.

    WAL with synchronous=NORMAL: readers never block the writer nor each other, and a commit costs no fsync (the
    WAL is synced at checkpoints). A power cut may lose the last commits, never corrupt the database; a process
    crash (kill -9) loses nothing. That suits the embedded, single-machine deployment SQLite serves here;
    production runs PostgreSQL with its own durable commits.

    pysqlite's own transaction handling starts transactions lazily, which lets two writers both read and then
    deadlock on the upgrade to a write lock. We take control. A transaction that may write begins IMMEDIATE:
    writers serialize on the database lock (waiting up to busy_timeout) and a read-then-write never fails half
    way. A read transaction (`read_session`, the GET requests) begins DEFERRED: a snapshot, no lock, any number
    in parallel. When a read transaction writes after all (its audit events at commit, an expired session
    closed), the write must not be attempted on the old snapshot, where another writer's commit would make it
    fail with SQLITE_BUSY_SNAPSHOT no busy_timeout can cure: the snapshot is ended and the transaction continues
    as an IMMEDIATE one, so what it read came from an earlier snapshot (READ COMMITTED, as on PostgreSQL).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        deferred = bool(connection.get_execution_options().get(READ_OPTION))
        connection.info["deferred"] = deferred
        connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")

    def _end_snapshot_and_write(connection: Any) -> None:
        connection.info["deferred"] = False
        raw = connection.connection.driver_connection
        # End the read snapshot. It wrote nothing, so ROLLBACK loses nothing; unlike COMMIT it succeeds while a
        # result the reads left half-fetched is still open (that result can no longer be read: its snapshot ended).
        raw.execute("ROLLBACK")
        raw.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _upgrade_before_write(
        connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if connection.info.get("deferred") and statement.lstrip()[:7].split(None, 1)[0].upper() in _WRITES:
            _end_snapshot_and_write(connection)

    @event.listens_for(engine, "savepoint")
    def _upgrade_before_savepoint(connection: Any, name: str) -> None:
        # A savepoint is taken to write (enqueue with a dedupe key); once inside it the snapshot cannot be ended.
        if connection.info.get("deferred"):
            _end_snapshot_and_write(connection)


def create_db_engine(url: str, *, pool: bool = True) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        if pool and make_url(url).database not in (None, "", ":memory:"):
            # A connection for each request thread (anyio's pool runs up to 40): readers work in parallel.
            kwargs.update(pool_size=20, max_overflow=20)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, json_serializer=canonical_json, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A database host that does not answer fails a request within seconds (503) instead of hanging it.
    kwargs.update(pool_pre_ping=True, connect_args={"connect_timeout": 5}, json_serializer=canonical_json)
    if pool:
        kwargs.update(pool_size=20, max_overflow=20)
    else:
        kwargs["poolclass"] = NullPool
    return create_engine(url, **kwargs)


def create_session_factory(engine: Engine, settings: Settings) -> sessionmaker[Session]:
    """Sessions that carry the settings in `session.info`; services read them with `settings_of(session)`.

    expire_on_commit=False: responses are serialized after the unit of work commits.
    """
    return sessionmaker(
        bind=engine,
        expire_on_commit=False,
        autoflush=True,
        info={"settings": settings, "read_bind": engine.execution_options(**{READ_OPTION: True})},
    )


def new_session(factory: sessionmaker[Session], *, read: bool = False) -> Session:
    """A session from `factory`; `read=True` for a transaction that mostly reads (see `_configure_sqlite`)."""
    if not read:
        return factory()
    read_bind = factory.kw.get("info", {}).get("read_bind")
    return factory(bind=read_bind) if read_bind is not None else factory()


@contextmanager
def read_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read transaction (no write lock on SQLite), ended when the block exits. Nothing is committed."""
    session = new_session(factory, read=True)
    try:
        yield session
    finally:
        session.close()


class SettingsMissing(RuntimeError):
    """A session made without settings: a programming error, never a reason to fall back to the environment's."""


def settings_of(session: Session) -> Settings:
    """The settings this session was made with (`create_session_factory(engine, settings)`): the one way a service
    reads configuration, so a request, a job and a test all see the settings their application was built with."""
    settings = session.info.get("settings")
    if not isinstance(settings, Settings):
        raise SettingsMissing("this session carries no settings; make it with create_session_factory(engine, settings)")
    return settings


def is_postgresql(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
