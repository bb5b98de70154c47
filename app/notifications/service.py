"""Queueing email. A *composer* turns a job payload into a message at send time, so the queue holds ids and sealed
secrets rather than rendered text with personal data, and a message whose cause is gone (a code re-issued since)
is dropped instead of sent.

Contract: `register_composer("kind")` on `fn(session, payload) -> OutgoingEmail | None`; `queue_email(session,
kind, payload, dedupe_key=...)` in the transaction that causes the email.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app import jobs

JOB_KIND = "notifications.email"


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str
    language: str
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers, e.g. `In-Reply-To` and `Auto-Submitted: auto-replied` on an automatic reply."""


Composer = Callable[[Session, dict[str, Any]], OutgoingEmail | None]
_COMPOSERS: dict[str, Composer] = {}


def register_composer(kind: str) -> Callable[[Composer], Composer]:
    def register(fn: Composer) -> Composer:
        _COMPOSERS[kind] = fn
        return fn

    return register


def composer_for(kind: str) -> Composer:
    try:
        return _COMPOSERS[kind]
    except KeyError as exc:
        raise LookupError(f"no email composer for {kind}") from exc


def queue_email(session: Session, kind: str, payload: dict[str, Any], *, dedupe_key: str | None = None) -> bool:
    """Enqueue one email of `kind`; False when an identical one (same dedupe key) is already waiting."""
    job = jobs.enqueue(session, JOB_KIND, {"kind": kind, **payload}, dedupe_key=dedupe_key)
    return job is not None
