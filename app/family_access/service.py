"""Family access codes: issue, re-issue, revoke, and check one at sign-in.

Contract (other domains call these):
- `issue_access_code(session, *, case, inquiry, actor) -> str` gives the requester of `inquiry` a new code and
  returns it in clear, the only time it exists in clear. Re-issuing invalidates the previous code and ends every
  portal session opened with it. Audited as `portal.access_code_issued` (never the code itself).
- `revoke_access_code(...)` withdraws a requester's code without a new one.
- `check_access_code(session, *, reference, code)` verifies exactly one argon2id hash whatever the input, so a wrong
  reference and a wrong code cost the same time and get the same answer (`None`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.models import Case
from app.cases.references import InvalidReference, parse_reference
from app.db import utcnow
from app.family_access import codes
from app.family_access.models import PortalAccessCode
from app.inquiries.models import Inquiry
from app.portal.models import PortalSession

# The staff password parameters (argon2id, m=19 MiB, t=3): an 80-bit secret needs no more, and a sign-in stays fast.
_hasher = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
_DUMMY_HASH = _hasher.hash(codes.format_code("0" * codes.CODE_LENGTH))
MAX_MERGE_HOPS = 5


@dataclass(frozen=True, slots=True)
class VerifiedAccess:
    """A successful code check: the code row and the case it now belongs to (merges followed)."""

    access_code: PortalAccessCode
    case: Case
    inquiry: Inquiry


def normalize_reference(text: str) -> str | None:
    """The canonical case reference for what a family typed (case, spaces, dashes and look-alikes forgiven), or None
    when it cannot be a reference at all (wrong length or a failed check character)."""
    try:
        return parse_reference(text[:64])
    except InvalidReference:
        return None


def find_case(session: Session, reference: str) -> Case | None:
    """The case for a reference, following merges to the surviving case."""
    canonical = normalize_reference(reference)
    if canonical is None:
        return None
    case = session.execute(select(Case).where(Case.reference == canonical)).scalar_one_or_none()
    return _follow_merges(session, case)


def current_case(session: Session, case_id: uuid.UUID) -> Case | None:
    """The case a requester belongs to today: `case_id`'s, or the one it was merged into."""
    return _follow_merges(session, session.get(Case, case_id))


def _follow_merges(session: Session, case: Case | None) -> Case | None:
    hops = 0
    while case is not None and case.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        case = session.get(Case, case.merged_into_id)
        hops += 1
    return case


def _case_selectors(session: Session, case_id: uuid.UUID) -> set[str]:
    rows = session.execute(
        select(PortalAccessCode.selector)
        .join(Inquiry, Inquiry.id == PortalAccessCode.inquiry_id)
        .where(Inquiry.case_id == case_id)
    ).scalars()
    return set(rows)


def _end_sessions(session: Session, access_code_id: uuid.UUID, reason: str) -> None:
    session.execute(
        update(PortalSession)
        .where(PortalSession.access_code_id == access_code_id, PortalSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def code_for_inquiry(session: Session, inquiry_id: uuid.UUID) -> PortalAccessCode | None:
    return session.execute(
        select(PortalAccessCode).where(PortalAccessCode.inquiry_id == inquiry_id)
    ).scalar_one_or_none()


def issue_access_code(session: Session, *, case: Case, inquiry: Inquiry, actor: Actor) -> str:
    """Give the requester of `inquiry` a fresh access code for `case`; returns it formatted, in clear, once."""
    if inquiry.case_id != case.id:
        raise ValueError("the inquiry does not belong to this case")
    taken = _case_selectors(session, case.id)
    selector = codes.new_selector()
    while selector in taken:
        selector = codes.new_selector()
    raw = selector + codes.new_secret()
    code_hash = _hasher.hash(raw)
    now = utcnow()
    row = code_for_inquiry(session, inquiry.id)
    reissued = row is not None
    if row is None:
        row = PortalAccessCode(
            inquiry_id=inquiry.id, selector=selector, code_hash=code_hash, issued_at=now, issued_by=actor.id
        )
        session.add(row)
    else:
        _end_sessions(session, row.id, "code_reissued")
        row.selector, row.code_hash, row.generation = selector, code_hash, row.generation + 1
        row.issued_at, row.issued_by, row.revoked_at = now, actor.id, None
    session.flush()
    record(
        session,
        actor=actor,
        action="portal.access_code_issued",
        target_type="case",
        target_id=case.id,
        details={"inquiry_id": inquiry.id, "generation": row.generation, "reissued": reissued},
    )
    return codes.format_code(raw)


def revoke_access_code(session: Session, *, case: Case, inquiry: Inquiry, actor: Actor) -> bool:
    """Withdraw the requester's code and end their sessions. False when there was no live code."""
    row = code_for_inquiry(session, inquiry.id)
    if row is None or row.code_hash is None:
        return False
    row.code_hash, row.revoked_at = None, utcnow()
    _end_sessions(session, row.id, "code_revoked")
    session.flush()
    record(
        session,
        actor=actor,
        action="portal.access_code_revoked",
        target_type="case",
        target_id=case.id,
        details={"inquiry_id": inquiry.id, "generation": row.generation},
    )
    return True


def _verify(code_hash: str | None, raw: str) -> bool:
    try:
        return _hasher.verify(code_hash or _DUMMY_HASH, raw) and code_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_access_code(session: Session, *, reference: str, code: str) -> VerifiedAccess | None:
    """The access a reference + code grants, or None. Always exactly one argon2id verification."""
    raw = codes.normalize_code(code)
    case = find_case(session, reference)
    candidate: tuple[PortalAccessCode, Inquiry] | None = None
    if case is not None and raw is not None:
        row = session.execute(
            select(PortalAccessCode, Inquiry)
            .join(Inquiry, Inquiry.id == PortalAccessCode.inquiry_id)
            .where(
                Inquiry.case_id == case.id,
                PortalAccessCode.selector == raw[: codes.SELECTOR_LENGTH],
                PortalAccessCode.code_hash.is_not(None),
            )
            .limit(1)
        ).first()
        candidate = (row[0], row[1]) if row is not None else None
    ok = _verify(candidate[0].code_hash if candidate else None, raw or "0" * codes.CODE_LENGTH)
    if not ok or candidate is None or case is None:
        return None
    access_code, inquiry = candidate
    if _hasher.check_needs_rehash(access_code.code_hash or ""):
        access_code.code_hash = _hasher.hash(raw or "")
    return VerifiedAccess(access_code=access_code, case=case, inquiry=inquiry)
