"""Actions on the case page: transitions (with the two-person rule), outcome decisions, registry lookup and match
decisions, contact log, access codes, family messages read, assignment and merge.

Each action is one call of the service the JSON router calls. Changes that the API guards with `If-Match` send the
version the page showed: if someone changed the case meanwhile the page comes back saying so, listing what changed
since it was loaded (the timeline entries since), and nothing is overwritten. Invalid input comes back beside its
field with everything typed kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.auth.permissions import Permission as P
from app.cases import family_messages, journal, merging, queries, service
from app.cases.journal import ContactChannel, ContactDirection
from app.cases.models import CaseState
from app.cases.service import Decision
from app.console import forms
from app.console.cases import case_context
from app.console.dependencies import staff_page
from app.console.sessions import StaffContext
from app.console.web import FormRejected, page, redirect
from app.deps import SessionDep, SettingsDep
from app.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from app.matches import service as matches
from app.matches.models import CaseMatch
from app.portal import staff as portal_staff

router = APIRouter(prefix="/staff/cases/{reference}", tags=["console"], include_in_schema=False)
Ref = Annotated[str, Path(max_length=40)]
REQUIRED = "Required."


def _etag(values: dict[str, str]) -> str:
    return f'"{values.get("version", "")}"'


def _rejected(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffContext,
    reference: str,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    conflict: str | None = None,
    status_code: int = 422,
) -> NoReturn:
    """The case page again, with the errors (or the conflict) and what was typed; the request changes nothing."""
    changes: list[Any] = []
    if conflict == "stale":
        seen = _parse_time(values.get("seen_at"))
        changes = [
            entry
            for entry in queries.timeline(session, principal=staff.principal, reference=reference)
            if seen is None or entry.event.occurred_at > seen
        ]
    context = case_context(session, staff, reference)
    context.update(conflict=conflict, changes=changes)
    raise FormRejected(
        page(
            request,
            settings,
            "console/cases/case.html",
            staff,
            status_code=status_code,
            errors=errors or {},
            v=values,
            **context,
        )
    )


def _parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 10_000}


def _run(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffContext,
    reference: str,
    values: dict[str, str],
    action: Callable[[], Any],
    *,
    prefix: str = "",
) -> Any:
    """Run one service call; its domain errors come back as the case page (stale, not allowed, invalid)."""
    try:
        return action()
    except PreconditionFailed:
        _rejected(request, session, settings, staff, reference, values, conflict="stale", status_code=412)
    except Unprocessable as exc:
        errors = {prefix + k if k != "form" else "form": m for k, m in forms.field_errors(exc).items()}
        _rejected(request, session, settings, staff, reference, values, errors=errors)
    except Forbidden as exc:
        if exc.code == "second-person-required":
            _rejected(request, session, settings, staff, reference, values, conflict="second_person", status_code=403)
        raise
    except Conflict:
        _rejected(request, session, settings, staff, reference, values, conflict="not_allowed", status_code=409)


def _reason_required(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffContext,
    reference: str,
    values: dict[str, str],
    field: str,
) -> str:
    reason = values.get(field, "").strip()
    if not reason:
        _rejected(request, session, settings, staff, reference, values, errors={field: REQUIRED})
    return reason


@router.post("/transition")
async def transition(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_TRANSITION)],
) -> Response:
    """Move the case (one of the allowed transitions), or propose `deceased` for a second signature."""
    values = await _form(request)
    try:
        to_state = CaseState(values.get("to_state", ""))
    except ValueError:
        _rejected(
            request, session, settings, staff, reference, values, errors={"to_state": "Choose one of the options."}
        )
    reason = _reason_required(request, session, settings, staff, reference, values, "reason")
    result = _run(
        request,
        session,
        settings,
        staff,
        reference,
        values,
        lambda: service.transition_case(
            session,
            principal=staff.principal,
            reference=reference,
            if_match=_etag(values),
            to_state=to_state,
            reason=reason,
        ),
    )
    notice = "moved" if result.applied else "proposed"
    return redirect(request, f"/staff/cases/{result.case.reference}?done={notice}", settings)


@router.post("/proposal/{decision}")
async def decide(
    reference: Ref,
    decision: Annotated[str, Path(pattern="^(confirm|reject|withdraw)$")],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_TRANSITION)],
) -> Response:
    """The second signature (confirm), a refusal (reject, with a reason) or the proposer's withdrawal."""
    values = await _form(request)
    chosen = Decision(decision)
    if chosen is not Decision.WITHDRAW and not staff.principal.can(P.CASE_OUTCOME_CONFIRM):
        raise Forbidden("Your role does not allow this (case:outcome_confirm).")
    field = f"{decision}_reason"
    reason = values.get(field, "").strip() or None
    if chosen is Decision.REJECT and not reason:
        _rejected(request, session, settings, staff, reference, values, errors={field: REQUIRED})
    try:
        proposal_id = uuid.UUID(values.get("proposal_id", ""))
    except ValueError:
        _rejected(request, session, settings, staff, reference, values, conflict="stale", status_code=412)
    result = _run(
        request,
        session,
        settings,
        staff,
        reference,
        values,
        lambda: service.decide_proposal(
            session,
            principal=staff.principal,
            reference=reference,
            proposal_id=proposal_id,
            decision=chosen,
            if_match=_etag(values),
            reason=reason,
        ),
    )
    return redirect(request, f"/staff/cases/{result.case.reference}?done={decision}", settings)


@router.post("/lookup")
async def lookup(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.REGISTRY_LOOKUP)],
) -> Response:
    """Look the sought person up in the registry; strong and possible candidates become proposals."""
    result = matches.run_case_lookup(session, principal=staff.principal, reference=reference, override=None, limit=10)
    context = case_context(session, staff, reference, lookup=result)
    return page(request, settings, "console/cases/case.html", staff, errors={}, v={}, **context)


@router.post("/matches/{match_id}/{decision}")
async def match_decision(
    reference: Ref,
    match_id: uuid.UUID,
    decision: Annotated[str, Path(pattern="^(confirm|reject)$")],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.MATCH_DECIDE)],
) -> Response:
    """Confirm that a registry person is the sought person, or reject him (with a reason)."""
    values = await _form(request)
    field = f"match_{match_id}_reason"
    reason = values.get(field, "").strip()
    if decision == "reject" and not reason:
        _rejected(request, session, settings, staff, reference, values, errors={field: REQUIRED})
    decide_match: Callable[[], tuple[CaseMatch, Any]] = (
        (
            lambda: matches.confirm(
                session, principal=staff.principal, reference=reference, match_id=match_id, reason=reason or None
            )
        )
        if decision == "confirm"
        else (
            lambda: matches.reject(
                session, principal=staff.principal, reference=reference, match_id=match_id, reason=reason
            )
        )
    )
    _run(request, session, settings, staff, reference, values, decide_match)
    return redirect(request, f"/staff/cases/{reference}?done=match_{decision}#matches", settings)


@router.post("/contacts")
async def log_contact(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_CONTACT_LOG)],
) -> Response:
    """Log a call, email, visit or letter (no version needed: logging overwrites nothing)."""
    values = await _form(request)
    errors: dict[str, str] = {}
    try:
        direction = ContactDirection(values.get("contact.direction", ""))
    except ValueError:
        errors["contact.direction"] = "Choose one of the options."
    try:
        channel = ContactChannel(values.get("contact.channel", ""))
    except ValueError:
        errors["contact.channel"] = "Choose one of the options."
    summary = values.get("contact.summary", "").strip()
    if not summary:
        errors["contact.summary"] = REQUIRED
    inquiry_id = None
    if values.get("contact.inquiry_id"):
        try:
            inquiry_id = uuid.UUID(values["contact.inquiry_id"])
        except ValueError:
            errors["contact.inquiry_id"] = "Choose one of the options."
    if errors:
        _rejected(request, session, settings, staff, reference, values, errors=errors)
    _run(
        request,
        session,
        settings,
        staff,
        reference,
        values,
        lambda: journal.log_contact(
            session,
            principal=staff.principal,
            reference=reference,
            direction=direction,
            channel=channel,
            occurred_at=None,
            summary=summary,
            inquiry_id=inquiry_id,
            visible_to_family=bool(values.get("contact.visible_to_family")),
        ),
        prefix="contact.",
    )
    return redirect(request, f"/staff/cases/{reference}?done=contact#contacts", settings)


@router.post("/access-code")
async def reissue_code(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_ACCESS_CODE)],
) -> Response:
    """A new portal access code for one requester (the old one stops working); shown once, large, to read out."""
    values = await _form(request)
    try:
        inquiry_id = uuid.UUID(values.get("inquiry_id", ""))
    except ValueError:
        _rejected(
            request, session, settings, staff, reference, values, errors={"inquiry_id": "Choose one of the options."}
        )
    service.read_case(session, principal=staff.principal, reference=reference)  # scope: 404 outside it, as the API
    issued = _run(
        request,
        session,
        settings,
        staff,
        reference,
        values,
        lambda: portal_staff.reissue(
            session, settings, principal=staff.principal, reference=reference, inquiry_id=inquiry_id
        ),
    )
    context = case_context(session, staff, reference)
    requester = context["inquiry_ids"].get(str(inquiry_id), "")
    return page(
        request,
        settings,
        "console/cases/access_code.html",
        staff,
        issued=issued,
        requester=requester,
        reference=context["case"].reference,
        status_code=201,
    )


@router.post("/messages/read")
async def messages_read(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_READ_FULL)],
) -> Response:
    family_messages.mark_read(session, principal=staff.principal, reference=reference)
    return redirect(request, f"/staff/cases/{reference}#messages", settings)


@router.post("/assign")
async def assign(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_ASSIGN)],
) -> Response:
    values = await _form(request)
    officer_id = None
    if values.get("officer_id"):
        try:
            officer_id = uuid.UUID(values["officer_id"])
        except ValueError:
            _rejected(
                request,
                session,
                settings,
                staff,
                reference,
                values,
                errors={"officer_id": "Choose one of the options."},
            )
    _run(
        request,
        session,
        settings,
        staff,
        reference,
        values,
        lambda: service.assign_case(
            session,
            principal=staff.principal,
            reference=reference,
            if_match=_etag(values),
            officer_id=officer_id,
            reason=values.get("assign_reason", "").strip() or None,
        ),
    )
    return redirect(request, f"/staff/cases/{reference}?done=assigned", settings)


@router.post("/merge")
async def merge(
    reference: Ref,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page(P.CASE_MERGE)],
) -> Response:
    """Merge another case (a duplicate) into this one."""
    values = await _form(request)
    duplicate = values.get("duplicate_reference", "").strip()
    errors = {}
    if not duplicate:
        errors["duplicate_reference"] = REQUIRED
    if not values.get("merge_reason", "").strip():
        errors["merge_reason"] = REQUIRED
    if errors:
        _rejected(request, session, settings, staff, reference, values, errors=errors)

    def do_merge() -> Any:
        return merging.merge_cases(
            session,
            principal=staff.principal,
            reference=reference,
            if_match=_etag(values),
            duplicate_reference=duplicate,
            reason=values["merge_reason"].strip(),
        )

    try:
        _run(request, session, settings, staff, reference, values, do_merge)
    except NotFound:
        _rejected(request, session, settings, staff, reference, values, errors={"duplicate_reference": "no such case"})
    return redirect(request, f"/staff/cases/{reference}?done=merged", settings)
