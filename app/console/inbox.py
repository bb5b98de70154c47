"""The email inbox in the console: the list (oldest first, with how long each has waited) and the triage screen.

The triage screen shows the email as received beside the hotline's inquiry form, prefilled from the email (the
lookup engine's reading of the names, date of birth, service number and unit; the sender as requester; the language
of the text) with the live duplicate panel, plus "attach to a case" and "not an inquiry". Each action calls the same
service as the JSON API (`app.mailbox.triage`), so the audit, the one-triage rule and the inquiry builder are the
API's; form errors come back beside their fields.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.auth.permissions import Permission as P
from app.cases.models import Relationship
from app.console import forms, nav
from app.console.dependencies import staff_page
from app.console.idempotent import claim_form
from app.console.intake import CHECKBOXES, DATES, FIELDS
from app.console.intake import _duplicates as duplicate_panel
from app.console.labels import N_
from app.console.sessions import StaffContext
from app.console.web import FormRejected, page, redirect
from app.db import utcnow
from app.deps import SessionDep, SettingsDep
from app.errors import NotFound, Unprocessable
from app.idempotency import service as idempotency
from app.idempotency.service import StoredResponse
from app.mailbox import inbox, triage
from app.mailbox.inbox import MailView
from app.mailbox.models import DismissKind, MailState
from app.mailbox.schemas import EmailInquiryIn
from app.portal.online import COUNTRIES

router = APIRouter(prefix="/staff", tags=["console"], include_in_schema=False)
Reader = Annotated[StaffContext, staff_page(P.MAIL_READ)]
Triager = Annotated[StaffContext, staff_page(P.MAIL_TRIAGE)]
MailId = Annotated[uuid.UUID, Path()]

nav.add(nav.NavEntry("inbox", N_("Email inbox"), "/staff/inbox", P.MAIL_READ, order=12, shortcut="i"))

FORM_FIELDS = tuple(f for f in FIELDS if f != "channel" and not f.startswith("message."))
STATE_NAMES = {
    "routed": N_("filed in its case automatically"),
    "inquiry": N_("turned into an inquiry"),
    "attached": N_("attached to a case"),
    "dismissed": N_("set aside as not an inquiry"),
}
DISMISS_KINDS = {"spam": N_("Spam"), "press": N_("Press"), "other": N_("Other")}
PAGE_SIZE = 100


@router.get("/inbox")
def inbox_list(request: Request, session: SessionDep, settings: SettingsDep, staff: Reader) -> Response:
    """New emails, the one waiting longest first."""
    rows, total = inbox.list_inbox(
        session, principal=staff.principal, state=MailState.NEW.value, limit=PAGE_SIZE, offset=0
    )
    now = utcnow()
    items = [(row, int((now - row.message.received_at).total_seconds() // 60)) for row in rows]
    return page(request, settings, "console/inbox/list.html", staff, active="inbox", items=items, total=total)


def _values(view: MailView) -> dict[str, str]:
    """The inquiry form's fields, prefilled from the email (the operator confirms and corrects them)."""
    values = {"channel": "email", "requester.language": view.message.language or "ru", "consent.store": ""}
    guess = view.prefill
    if guess is None:
        return values
    values["requester.full_name"] = guess.requester.full_name or ""
    values["requester.email"] = guess.requester.email or ""
    values["requester.language"] = guess.requester.language
    sought = guess.sought
    for name in ("surname", "given_name", "patronymic", "service_number", "military_unit"):
        values[f"sought.{name}"] = getattr(sought, name) or ""
    if sought.date_of_birth:
        parts = sought.date_of_birth.split("-")
        values["sought.date_of_birth"] = ".".join(reversed(parts))
    return {k: v for k, v in values.items() if v or k == "consent.store"}


def _triage_page(
    request: Request,
    settings: SettingsDep,
    staff: StaffContext,
    view: MailView,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    duplicates: list[Any] | None = None,
    attach_errors: dict[str, str] | None = None,
    dismiss_errors: dict[str, str] | None = None,
    attach: dict[str, str] | None = None,
    dismiss: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        settings,
        "console/inbox/triage.html",
        staff,
        active="inbox",
        status_code=status_code,
        mail=view.message,
        attachments=view.attachments,
        case_reference=view.case_reference,
        v=values,
        errors=errors or {},
        channel="email",
        duplicates=duplicates or [],
        relationships=[r.value for r in Relationship],
        countries=COUNTRIES,
        idempotency_key=values.get("idempotency_key") or str(uuid.uuid4()),
        form_action=f"/staff/inbox/{view.message.id}/inquiry",
        intake_class="triage",
        attach=attach or {},
        attach_errors=attach_errors or {},
        dismiss=dismiss or {},
        dismiss_errors=dismiss_errors or {},
        dismiss_kinds=DISMISS_KINDS,
    )


@router.get("/inbox/{mail_id}")
def triage_screen(
    request: Request, mail_id: MailId, session: SessionDep, settings: SettingsDep, staff: Reader
) -> Response:
    """The email beside the inquiry prefilled from it; an email already dealt with shows what became of it."""
    view = inbox.read_message(session, principal=staff.principal, mail_id=mail_id)
    if view.message.state != MailState.NEW.value:
        return page(
            request,
            settings,
            "console/inbox/mail.html",
            staff,
            active="inbox",
            mail=view.message,
            attachments=view.attachments,
            case_reference=view.case_reference,
            state_names=STATE_NAMES,
        )
    values = _values(view)
    return _triage_page(request, settings, staff, view, values, duplicates=duplicate_panel(session, staff, values))


def _posted(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 100_000}


def _reject(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffContext,
    mail_id: uuid.UUID,
    values: dict[str, str],
    **errors: Any,
) -> NoReturn:
    """Show the triage screen again, filled, with the errors (the request's transaction is rolled back)."""
    view = inbox.view(session, inbox.find_message(session, staff.principal, mail_id))
    values = values or _values(view)
    raise FormRejected(
        _triage_page(
            request,
            settings,
            staff,
            view,
            values,
            duplicates=duplicate_panel(session, staff, values),
            status_code=422,
            **errors,
        )
    )


@router.post("/inbox/{mail_id}/inquiry")
async def create_inquiry(
    request: Request, mail_id: MailId, session: SessionDep, settings: SettingsDep, staff: Triager
) -> Response:
    """Turn the email into an inquiry (the API's `POST /api/v1/inbox/{id}/inquiry`); a double submit logs one."""
    values = _posted(await request.form())
    document = forms.nest(values, fields=FORM_FIELDS, checkboxes=CHECKBOXES, dates=DATES)
    try:
        data = EmailInquiryIn.model_validate(document)
    except ValidationError as exc:
        _reject(request, session, settings, staff, mail_id, values, errors=_identity(forms.field_errors(exc)))
    key = values.get("idempotency_key", "")[:64]
    path = f"/staff/inbox/{mail_id}/inquiry"
    claimed = claim_form(session, principal=staff.principal, key=key, path=path, document=document)
    if isinstance(claimed, StoredResponse):
        return _done(request, settings, staff, json.loads(claimed.body), status_code=claimed.status_code)
    try:
        created, _ = triage.create_inquiry(session, principal=staff.principal, mail_id=mail_id, data=data)
    except (Unprocessable, NotFound) as exc:
        problem = exc if isinstance(exc, Unprocessable) else Unprocessable(exc.detail, **exc.extra)
        _reject(request, session, settings, staff, mail_id, values, errors=_identity(forms.field_errors(problem)))
    result = {
        "reference": created.case.reference,
        "access_code": created.access_code,
        "case_opened": created.case_opened,
        "code_emailed": created.code_emailed,
        "requester_name": created.inquiry.requester_name,
        "requester_email": created.inquiry.requester_email,
        "duplicates": [{"reference": d.case.reference, "state": d.case.state} for d in created.duplicates],
    }
    if claimed is not None:
        idempotency.complete(session, claimed, status_code=201, body=json.dumps(result).encode(), headers={})
    return _done(request, settings, staff, result, status_code=201)


def _identity(errors: dict[str, str]) -> dict[str, str]:
    if "sought" in errors:
        errors.pop("sought")
        errors.setdefault("sought.surname", "give at least a surname, a given name or a service number")
    return errors


def _done(
    request: Request, settings: SettingsDep, staff: StaffContext, result: dict[str, Any], *, status_code: int
) -> Response:
    return page(
        request, settings, "console/intake/done.html", staff, active="inbox", status_code=status_code, result=result
    )


@router.post("/inbox/{mail_id}/attach")
async def attach(
    request: Request, mail_id: MailId, session: SessionDep, settings: SettingsDep, staff: Triager
) -> Response:
    """File the email in a case's contact log (the API's `POST /api/v1/inbox/{id}/attach`)."""
    posted = _posted(await request.form())
    reference = posted.get("case_reference", "").strip()
    if not reference:
        missing = {"case_reference": forms.REQUIRED}
        _reject(request, session, settings, staff, mail_id, {}, attach=posted, attach_errors=missing)
    try:
        triage.attach(session, principal=staff.principal, mail_id=mail_id, case_reference=reference, inquiry_id=None)
    except (Unprocessable, NotFound) as exc:
        detail = exc.detail if isinstance(exc, NotFound) else next(iter(forms.field_errors(exc).values()), exc.detail)
        _reject(request, session, settings, staff, mail_id, {}, attach=posted, attach_errors={"case_reference": detail})
    return redirect(request, "/staff/inbox", settings)


@router.post("/inbox/{mail_id}/dismiss")
async def dismiss(
    request: Request, mail_id: MailId, session: SessionDep, settings: SettingsDep, staff: Triager
) -> Response:
    """Set the email aside as not an inquiry, with a reason (the API's `POST /api/v1/inbox/{id}/dismiss`)."""
    posted = _posted(await request.form())
    errors: dict[str, str] = {}
    kind = posted.get("kind", "")
    reason = posted.get("reason", "").strip()
    if kind not in DISMISS_KINDS:
        errors["kind"] = forms.CHOOSE
    if not reason:
        errors["reason"] = forms.REQUIRED
    elif len(reason) > 1000:
        errors["reason"] = forms.TOO_LONG
    if errors:
        _reject(request, session, settings, staff, mail_id, {}, dismiss=posted, dismiss_errors=errors)
    triage.dismiss(session, principal=staff.principal, mail_id=mail_id, kind=DismissKind(kind), reason=reason)
    return redirect(request, "/staff/inbox", settings)
