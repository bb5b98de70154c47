"""Claiming an idempotency key, storing the first response, replaying it.

The contract, per (principal, key):

* the first request inserts the record (`INSERT … ON CONFLICT DO NOTHING`), does its work and stores its response,
  all in its own transaction;
* a concurrent retry's insert waits on the unique constraint until the first transaction ends (PostgreSQL holds the
  conflicting insert; on SQLite every write transaction is already serialized by `BEGIN IMMEDIATE`), then finds the
  committed record and replays the stored response; if the first transaction rolled back, the retry's insert goes
  through and the retry does the work itself. Exactly one request ever does the work;
* the same key with a different method, path or body is refused with 422;
* error responses are not stored (the transaction that would store them rolls back), so a retry after an error runs
  again, which is what a client fixing its input expects.

Records are kept for `RETENTION` and removed by `purge_expired` (`liaison idempotency purge`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import is_postgresql, new_id, settings_of, utcnow
from app.errors import Conflict, Unprocessable
from app.idempotency.models import IdempotencyRecord

RETENTION = timedelta(hours=24)
HEADER = "Idempotency-Key"


class IdempotencyKeyReused(Unprocessable):
    code, title = "idempotency-key-reused", "Idempotency key already used for another request"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: bytes
    headers: dict[str, str]


def fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 over method, path and the body; JSON bodies in canonical form (key order and spacing ignored)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _cipher(session: Session) -> AESGCM:
    secret = settings_of(session).jwt_signing_key.encode()
    return AESGCM(hashlib.sha256(b"liaison:idempotency-response:" + secret).digest())


def _seal(session: Session, record_id: uuid.UUID, plaintext: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _cipher(session).encrypt(nonce, plaintext, record_id.bytes)).decode()


def _open(session: Session, record_id: uuid.UUID, sealed: str) -> bytes:
    raw = base64.b64decode(sealed)
    return _cipher(session).decrypt(raw[:12], raw[12:], record_id.bytes)


def _insert(session: Session, values: dict[str, Any]) -> uuid.UUID | None:
    dialect: Any = postgresql if is_postgresql(session) else sqlite
    stmt = (
        dialect.insert(IdempotencyRecord)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["principal", "key"])
        .returning(IdempotencyRecord.id)
    )
    inserted: uuid.UUID | None = session.execute(stmt).scalar_one_or_none()
    return inserted


def claim(
    session: Session, *, principal: str, key: str, request_hash: str, method: str, path: str
) -> uuid.UUID | StoredResponse:
    """The new record's id when this request is the first with `key`; otherwise the first request's response."""
    for _ in range(3):
        now = utcnow()
        values = {
            "id": new_id(),
            "principal": principal,
            "key": key,
            "request_hash": request_hash,
            "method": method.upper(),
            "path": path[:400],
            "response_headers": {},
            "created_at": now,
            "expires_at": now + RETENTION,
        }
        record_id = _insert(session, values)
        if record_id is not None:
            return record_id
        existing = session.execute(
            select(IdempotencyRecord)
            .where(IdempotencyRecord.principal == principal, IdempotencyRecord.key == key)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if existing is None:
            continue  # purged between our insert and our read: try again
        if existing.expires_at <= now:
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
            continue
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
                errors=[{"header": HEADER, "detail": "already used with another method, path or body"}],
            )
        if existing.status_code is None or existing.response_body is None:
            raise Conflict("A request with this Idempotency-Key is still being processed. Retry shortly.")
        return StoredResponse(
            existing.status_code,
            _open(session, existing.id, existing.response_body),
            {str(k): str(v) for k, v in existing.response_headers.items()},
        )
    raise Conflict("This Idempotency-Key is being reused concurrently. Retry shortly.")


def complete(session: Session, record_id: uuid.UUID, *, status_code: int, body: bytes, headers: dict[str, str]) -> None:
    """Store the response of the request that claimed `record_id`, in its own transaction."""
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id)
        .values(status_code=status_code, response_body=_seal(session, record_id, body), response_headers=headers)
    )


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete records past their retention; returns how many."""
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow())))
    return int(getattr(result, "rowcount", 0) or 0)
