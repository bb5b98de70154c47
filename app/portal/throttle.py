"""Slowing down code guessing: per case reference and per client address, with a growing delay.

`threshold` failures within the window lock the reference (or address) for `base_delay`; every further failure
doubles the delay up to `max_delay`. A reference nobody holds is throttled exactly like a real one (it is counted by
a keyed digest), so the answers never tell the two apart. Each lockout is kept as a `PortalLockout` row (visible to
staff on the case) and audited as `portal.sign_in_locked`.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.config import PortalConfig, Settings
from app.db import utcnow
from app.family_access.service import normalize_reference
from app.portal.models import PortalLockout, PortalSignInFailure

ANONYMOUS = Actor("anonymous", ("anonymous",))


@dataclass(frozen=True, slots=True)
class Lock:
    scope: str
    failures: int
    until: datetime


def reference_key(settings: Settings, reference: str) -> str:
    key = f"portal-reference:{settings.jwt_signing_key}".encode()
    canonical = normalize_reference(reference) or " ".join(reference.upper().split())[:64]
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _delay(portal: PortalConfig, failures: int, threshold: int) -> timedelta:
    steps = max(0, failures - threshold)
    seconds = min(portal.max_delay_seconds, portal.base_delay_seconds * 2 ** min(steps, 20))
    return timedelta(seconds=seconds)


def _scope_lock(session: Session, portal: PortalConfig, scope: str, condition: object, threshold: int) -> Lock | None:
    since = utcnow() - timedelta(minutes=portal.failure_window_minutes)
    count, latest = session.execute(
        select(func.count(), func.max(PortalSignInFailure.occurred_at)).where(
            condition,  # type: ignore[arg-type]
            PortalSignInFailure.occurred_at > since,
        )
    ).one()
    if count < threshold or latest is None:
        return None
    latest = latest if latest.tzinfo else latest.replace(tzinfo=utcnow().tzinfo)
    return Lock(scope, int(count), latest + _delay(portal, int(count), threshold))


def current_locks(session: Session, portal: PortalConfig, ref_key: str, client_ip: str | None) -> list[Lock]:
    locks = [
        _scope_lock(
            session, portal, "reference", PortalSignInFailure.reference_key == ref_key, portal.reference_max_failures
        )
    ]
    if client_ip:
        locks.append(
            _scope_lock(
                session, portal, "address", PortalSignInFailure.client_ip == client_ip, portal.address_max_failures
            )
        )
    return [lock for lock in locks if lock is not None]


def retry_after(session: Session, portal: PortalConfig, ref_key: str, client_ip: str | None) -> int | None:
    """Seconds until another attempt is allowed, or None when neither the reference nor the address is locked."""
    now = utcnow()
    waits = [int((lock.until - now).total_seconds()) + 1 for lock in current_locks(session, portal, ref_key, client_ip)]
    waits = [wait for wait in waits if wait > 0]
    return max(waits) if waits else None


def record_failure(
    session: Session, portal: PortalConfig, *, ref_key: str, client_ip: str | None, case_id: uuid.UUID | None
) -> int | None:
    """Count a failed sign-in; when it starts or extends a lockout, keep and audit it. Returns the wait, if any."""
    session.add(PortalSignInFailure(reference_key=ref_key, client_ip=client_ip, occurred_at=utcnow()))
    session.flush()
    locks = current_locks(session, portal, ref_key, client_ip)
    for lock in locks:
        session.add(
            PortalLockout(
                case_id=case_id if lock.scope == "reference" else None,
                scope=lock.scope,
                reference_key=ref_key if lock.scope == "reference" else None,
                client_ip=client_ip if lock.scope == "address" else None,
                failures=lock.failures,
                locked_until=lock.until,
            )
        )
        record(
            session,
            actor=ANONYMOUS,
            action="portal.sign_in_locked",
            target_type="case" if case_id is not None and lock.scope == "reference" else "portal",
            target_id=case_id if lock.scope == "reference" else None,
            details={"scope": lock.scope, "failures": lock.failures, "locked_until": lock.until},
        )
    if not locks:
        return None
    now = utcnow()
    return max(int((lock.until - now).total_seconds()) + 1 for lock in locks)


def clear_reference(session: Session, ref_key: str) -> None:
    """A correct code for this reference: earlier typos no longer count against it."""
    session.execute(delete(PortalSignInFailure).where(PortalSignInFailure.reference_key == ref_key))


def recent_lockouts(session: Session, case_id: uuid.UUID, limit: int = 20) -> list[PortalLockout]:
    return list(
        session.execute(
            select(PortalLockout)
            .where(PortalLockout.case_id == case_id)
            .order_by(PortalLockout.started_at.desc())
            .limit(limit)
        ).scalars()
    )
