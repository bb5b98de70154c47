"""Signed checkpoints of the audit chain: (seq, head hash, time) signed with Ed25519.

The hash chain alone shows that rows changed after they were linked, but someone able to rewrite every row could
recompute every hash. A checkpoint published outside the database (sent to an oversight body, printed in a report)
fixes the head at a moment; later, `liaison audit verify --checkpoint FILE` proves the chain still contains exactly
that history. The sealer stores one every `audit.checkpoint_interval_seconds` while events arrive.

The signing key is `LIAISON_AUDIT__CHECKPOINT_KEY` (base64 of a 32-byte Ed25519 seed); unset, it is derived from the
JWT signing key. Auditors need only the public key (`liaison audit public-key`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditCheckpoint
from app.db import utcnow

ALGORITHM = "ed25519"


def _seed(settings: Any) -> bytes:
    configured = settings.audit.checkpoint_key if settings is not None else None
    if configured:
        seed = base64.b64decode(configured)
        if len(seed) != 32:
            raise ValueError("LIAISON_AUDIT__CHECKPOINT_KEY must be base64 of 32 bytes")
        return seed
    secret = settings.jwt_signing_key if settings is not None else "unconfigured"
    return hashlib.sha256(b"liaison audit checkpoint key\n" + secret.encode()).digest()


def signing_key(settings: Any) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_seed(settings))


def public_key_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:32]


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def statement(seq: int, head_hash: str, signed_at: datetime, kid: str) -> bytes:
    """The bytes signed: canonical JSON of what the checkpoint asserts."""
    body = {"algorithm": ALGORITHM, "head_hash": head_hash, "key_id": kid, "seq": seq, "signed_at": _time(signed_at)}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def create(session: Session, settings: Any, seq: int, head_hash: str) -> AuditCheckpoint:
    """Sign and store a checkpoint of the head (the caller holds the chain's head lock)."""
    key = signing_key(settings)
    kid, now = key_id(key.public_key()), utcnow()
    signature = key.sign(statement(seq, head_hash, now, kid))
    checkpoint = AuditCheckpoint(
        seq=seq,
        head_hash=head_hash,
        signed_at=now,
        algorithm=ALGORITHM,
        key_id=kid,
        signature=base64.b64encode(signature).decode(),
    )
    session.add(checkpoint)
    return checkpoint


def stored(session: Session) -> list[AuditCheckpoint]:
    return list(session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).scalars())


def latest(session: Session) -> AuditCheckpoint | None:
    return session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)).scalar_one_or_none()


def as_published(checkpoint: AuditCheckpoint, public_key: Ed25519PublicKey | None = None) -> dict[str, Any]:
    """The form to publish: everything an auditor needs besides the public key they hold."""
    published = {
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "signed_at": _time(checkpoint.signed_at),
        "algorithm": checkpoint.algorithm,
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }
    if public_key is not None:
        published["public_key"] = public_key_b64(public_key)
    return published


@dataclass(frozen=True, slots=True)
class Published:
    seq: int
    head_hash: str
    signed_at: datetime
    algorithm: str
    key_id: str
    signature: str

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Published:
        signed_at = datetime.fromisoformat(str(data["signed_at"]).replace("Z", "+00:00"))
        return cls(
            int(data["seq"]), str(data["head_hash"]), signed_at, str(data["algorithm"]), str(data["key_id"]),
            str(data["signature"]),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Verifier:
    """Checks checkpoints (stored or published) against a public key and the verified chain."""

    public_key: Ed25519PublicKey

    @classmethod
    def from_settings(cls, settings: Any) -> Verifier:
        return cls(signing_key(settings).public_key())

    @classmethod
    def from_b64(cls, value: str) -> Verifier:
        return cls(Ed25519PublicKey.from_public_bytes(base64.b64decode(value)))

    def signature_ok(self, checkpoint: AuditCheckpoint | Published) -> bool:
        if checkpoint.algorithm != ALGORITHM or checkpoint.key_id != key_id(self.public_key):
            return False
        message = statement(checkpoint.seq, checkpoint.head_hash, checkpoint.signed_at, checkpoint.key_id)
        try:
            self.public_key.verify(base64.b64decode(checkpoint.signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def check(self, checkpoint: AuditCheckpoint | Published, chain_hash: str | None, sealed: int) -> str | None:
        """None when the checkpoint is genuine and the verified chain still holds it; else what is wrong."""
        if not self.signature_ok(checkpoint):
            return f"checkpoint at seq={checkpoint.seq} has no valid signature by this key"
        if checkpoint.seq > sealed:
            return f"checkpoint at seq={checkpoint.seq} is beyond the chain's {sealed} events: history was removed"
        if chain_hash != checkpoint.head_hash:
            return f"the chain at seq={checkpoint.seq} differs from its signed checkpoint: history was rewritten"
        return None
