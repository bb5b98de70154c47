"""Signing a family in and out, with throttling and an audit record of every attempt.

A wrong reference and a wrong code take the same path: one argon2id verification, one failure counted under the
reference's digest and the client address, the same answer. Failures and lockouts are kept even though the request
then fails (`app.transaction.keep_when_refused`), so that guessing cannot roll its own traces back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.auth.principals import FamilyPrincipal
from app.config import PortalConfig, Settings
from app.context import client_ip_var
from app.errors import TooManyRequests, Unauthorized
from app.family_access import service as access
from app.portal import sessions, throttle
from app.portal.models import PortalSession
from app.transaction import keep_when_refused

GENERIC_FAILURE = "The case reference or the access code is not correct."


class SignInFailed(Unauthorized):
    code, title = "sign-in-failed", "Sign-in failed"


class SignInThrottled(TooManyRequests):
    code = "sign-in-throttled"


@dataclass(frozen=True, slots=True)
class SignedIn:
    row: PortalSession
    secret: str
    principal: FamilyPrincipal


def sign_in(
    session: Session,
    settings: Settings,
    portal: PortalConfig,
    *,
    reference: str,
    code: str,
    kind: str,
    language: str,
) -> SignedIn:
    ref_key = throttle.reference_key(settings, reference)
    client_ip = client_ip_var.get()
    wait = throttle.retry_after(session, portal, ref_key, client_ip)
    if wait is not None:
        record(session, actor=throttle.ANONYMOUS, action="portal.sign_in_throttled", target_type="portal")
        keep_when_refused(session)
        raise SignInThrottled(wait, "Too many attempts. Please wait and try again.")
    verified = access.check_access_code(session, reference=reference, code=code)
    if verified is None:
        case = access.find_case(session, reference)
        case_id = case.id if case is not None else None
        record(
            session,
            actor=throttle.ANONYMOUS,
            action="portal.sign_in_failed",
            target_type="case" if case_id else "portal",
            target_id=case_id,
        )
        wait = throttle.record_failure(session, portal, ref_key=ref_key, client_ip=client_ip, case_id=case_id)
        keep_when_refused(session)
        if wait is not None:
            raise SignInThrottled(wait, "Too many attempts. Please wait and try again.")
        raise SignInFailed(GENERIC_FAILURE)
    throttle.clear_reference(session, ref_key)
    row, secret = sessions.open_session(session, portal, verified, kind=kind, language=language)
    principal = FamilyPrincipal(
        case_id=verified.case.id, case_reference=verified.case.reference, access_code_id=verified.access_code.id
    )
    record(
        session,
        actor=principal.actor,
        action="portal.signed_in",
        target_type="case",
        target_id=verified.case.id,
        details={"inquiry_id": verified.inquiry.id, "kind": kind, "language": language},
    )
    return SignedIn(row=row, secret=secret, principal=principal)


def sign_out(session: Session, family: sessions.FamilyContext) -> None:
    sessions.end_session(session, family.session_id)
    record(
        session,
        actor=family.principal.actor,
        action="portal.signed_out",
        target_type="case",
        target_id=family.principal.case_id,
    )


def actor_of(family: sessions.FamilyContext) -> Actor:
    return family.principal.actor
