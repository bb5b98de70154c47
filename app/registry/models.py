"""Registry persons (Geneva Convention III capture card and death certificate), their lookup keys, and imports.

A registry person is one record of one official list: `(source, source_record_id)` identifies it, and a re-import of
a corrected list updates the record in place. The lookup keys are derived data: `registry_key` holds the retrieval
keys of every person and `registry_key_count` how many persons carry each frequency key; both are maintained by the
import pipeline in the same transaction as the persons they describe and can be rebuilt with `liaison registry rekey`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow

# INTEGER PRIMARY KEY is SQLite's rowid (no separate index); PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer, "sqlite")


class PersonStatus(StrEnum):
    IN_CAPTIVITY = "in_captivity"
    DECEASED = "deceased"
    RELEASED = "released"
    REPATRIATED = "repatriated"
    UNKNOWN = "unknown"


class ConfirmationLevel(StrEnum):
    REPORTED = "reported"
    PROBABLE = "probable"
    CONFIRMED = "confirmed"


class IdentificationConfidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


RESTRICTED_FIELDS = ("state_of_health", "place_of_internment", "prisoner_number", "burial_place")
"""Shown to case officers and above only (`Permission.REGISTRY_READ_RESTRICTED`), never to families."""


class RegistryPerson(Base):
    """A captured or deceased person as one official list records him.

    Dates are kept as the list gives them, full or partial: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    """

    __tablename__ = "registry_person"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    """Internal surrogate that the key tables reference (compact, assigned in import order)."""
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=new_id)
    """The id the API shows as `person_id`."""
    source: Mapped[str] = mapped_column(String(100))
    """The list the record comes from (e.g. `mod-ru-2026-11-exchange-list-3`)."""
    source_record_id: Mapped[str] = mapped_column(String(100))
    """The record's id within its list; `(source, source_record_id)` is unique."""
    status: Mapped[str] = mapped_column(String(16))
    confirmation_level: Mapped[str] = mapped_column(String(10), default=ConfirmationLevel.REPORTED.value)
    # identity (Art. 17, capture card items 2-8)
    surname: Mapped[str | None] = mapped_column(String(100))
    given_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    alternate_names: Mapped[list[str] | None]
    """Other spellings of the full name ("surname given patronymic"), as other lists or documents give them."""
    father_name: Mapped[str | None] = mapped_column(String(100))
    """First name of the father, when recorded apart from the patronymic (capture card item 4)."""
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    place_of_birth: Mapped[str | None] = mapped_column(String(200))
    rank: Mapped[str | None] = mapped_column(String(100))
    service_number: Mapped[str | None] = mapped_column(String(40))
    military_unit: Mapped[str | None] = mapped_column(String(100))
    power_depended_on: Mapped[str | None] = mapped_column(String(100))
    # capture (capture card items 10-12)
    date_of_capture: Mapped[str | None] = mapped_column(String(10))
    place_of_capture: Mapped[str | None] = mapped_column(String(200))
    state_of_health: Mapped[str | None] = mapped_column(String(200))
    """Restricted."""
    place_of_internment: Mapped[str | None] = mapped_column(String(200))
    """Restricted: name of the camp or place of detention."""
    prisoner_number: Mapped[str | None] = mapped_column(String(40))
    """Restricted."""
    # death (death certificate, Annex IV D)
    date_of_death: Mapped[str | None] = mapped_column(String(10))
    place_of_death: Mapped[str | None] = mapped_column(String(200))
    cause_of_death: Mapped[str | None] = mapped_column(Text)
    burial_place: Mapped[str | None] = mapped_column(Text)
    """Restricted: burial place and grave particulars, or where the remains are stored."""
    identification_method: Mapped[str | None] = mapped_column(String(200))
    identification_confidence: Mapped[str | None] = mapped_column(String(6))
    # bookkeeping
    row_hash: Mapped[str] = mapped_column(String(32))
    """Digest of every data field: a re-imported row with the same digest is left untouched."""
    last_import_id: Mapped[uuid.UUID | None]
    """The import that created or last changed the record."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    """The record's last update (set by an import that changed it)."""

    __table_args__ = (UniqueConstraint("source", "source_record_id"),)


class RegistryKey(Base):
    """One retrieval key of one person. `key` is a signed 64-bit digest of the engine's key string.

    A covering primary key on (key, person_id) makes a lookup an index-only probe; there is no index on person_id:
    when a record changes, its old keys are recomputed from its old fields and deleted by primary key.
    """

    __tablename__ = "registry_key"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)

    __table_args__ = ({"sqlite_with_rowid": False},)


class RegistryKeyCount(Base):
    """How many registry persons carry a frequency key (a rare surname is stronger evidence than a common one).

    The registry total lives here as well, under the digest of a reserved key, so a lookup fetches every number it
    needs with one indexed query.
    """

    __tablename__ = "registry_key_count"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int]

    __table_args__ = ({"sqlite_with_rowid": False},)


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RegistryImport(Base):
    """One import of one CSV file, from the API (a background job) or the command line, with its progress."""

    __tablename__ = "registry_import"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=ImportStatus.QUEUED.value, index=True)
    requested_by: Mapped[str] = mapped_column(String(80))
    """The staff user id, or `system` for the command line."""
    bytes_processed: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_processed: Mapped[int] = mapped_column(default=0)
    """Data rows committed so far; a retried job resumes after them."""
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    errors_stored: Mapped[int] = mapped_column(default=0)
    """Rows of `registry_import_error` written (capped; `rejected` counts them all)."""
    failure: Mapped[str | None] = mapped_column(Text)
    """Why the whole file was refused (bad header, not UTF-8 CSV); row problems go to `registry_import_error`."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    """Refreshed with every committed batch: a running import whose heartbeat stopped is taken over."""
    attempts: Mapped[int] = mapped_column(default=0)
    """Runs started; after `app.registry.imports.MAX_ATTEMPTS` interrupted runs the import is marked failed."""
    run_token: Mapped[uuid.UUID | None]
    """Which run owns the import; a batch from a run that lost ownership is refused."""
    finished_at: Mapped[datetime | None]


class RegistryImportError(Base):
    """One rejected row (or field) of an import: where, and why. Never the rejected value itself."""

    __tablename__ = "registry_import_error"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registry_import.id", ondelete="CASCADE"), index=True)
    row: Mapped[int]
    """Line of the record in the file as a spreadsheet numbers it: the header is row 1."""
    column: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))


class RegistryImportChunk(Base):
    """The uploaded file, in order, until its import job has read it: any worker on any host can process it."""

    __tablename__ = "registry_import_chunk"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registry_import.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
