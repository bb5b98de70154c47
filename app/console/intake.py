"""Operator intake: "New call" and "New email inquiry", with the live duplicate panel.

One keyboard-only form in the order a call goes: who is calling and how to reach them, consent read aloud from the
script on screen, who is sought, what is known. Field names are the API's JSON fields, so the API's own schema
(`InquiryCreate`) validates the form and each error lands beside its field. While the operator types the sought
person, htmx asks `/staff/calls/duplicates` for likely existing cases; one key (Alt+Shift+1…9) attaches the caller
to a listed case instead of opening a new one. A hidden idempotency key makes a double submit log one inquiry.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.auth.permissions import Permission as P
from app.cases.models import Relationship
from app.console import forms, nav
from app.console.dependencies import staff_page
from app.console.idempotent import claim_form
from app.console.labels import N_
from app.console.sessions import StaffContext
from app.console.web import FormRejected, page
from app.deps import SessionDep, SettingsDep
from app.errors import NotFound, Unprocessable
from app.idempotency import service as idempotency
from app.idempotency.service import StoredResponse
from app.inquiries import service as inquiries
from app.inquiries.builder import normalize_phone
from app.inquiries.schemas import DuplicateCheckIn, InquiryCreate
from app.portal.online import COUNTRIES

router = APIRouter(prefix="/staff", tags=["console"], include_in_schema=False)
Intake = Annotated[StaffContext, staff_page(P.INQUIRY_CREATE)]

nav.add(nav.NavEntry("call", N_("New call"), "/staff/calls/new", P.INQUIRY_CREATE, order=10, shortcut="n"))
nav.add(nav.NavEntry("email", N_("New email inquiry"), "/staff/calls/new?channel=email", P.INQUIRY_CREATE, order=11))

REQUESTER = ("full_name", "relationship", "phone", "email", "language", "city", "country")
CONSENT = ("store", "contact_phone", "contact_email")
SOUGHT = (
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "service_number",
    "military_unit",
    "rank",
    "place_of_birth",
    "last_contact_date",
    "last_contact_place",
    "distinguishing_marks",
    "notes",
)
MESSAGE = ("sender", "subject", "body")
FIELDS = (
    "channel",
    *(f"requester.{n}" for n in REQUESTER),
    *(f"consent.{n}" for n in CONSENT),
    *(f"sought.{n}" for n in SOUGHT),
    *(f"message.{n}" for n in MESSAGE),
    "operator_notes",
    "case_reference",
)
CHECKBOXES = tuple(f"consent.{n}" for n in CONSENT)
DATES = ("sought.date_of_birth", "sought.last_contact_date")
VERBATIM = ("message.body",)
DUPLICATE_FIELDS = tuple(f"sought.{n}" for n in SOUGHT[:8])
CHANNELS = ("phone", "email", "walk_in")
PATH = "/staff/calls"
IDENTITY_NEEDED = "give at least a surname, a given name or a service number"  # in forms.KNOWN_MESSAGES


def _channel(value: str | None) -> str:
    return value if value in CHANNELS else "phone"


def _form_page(
    request: Request,
    settings: SettingsDep,
    staff: StaffContext,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    duplicates: list[Any] | None = None,
    status_code: int = 200,
) -> Response:
    channel = _channel(values.get("channel"))
    return page(
        request,
        settings,
        "console/intake/new.html",
        staff,
        active="email" if channel == "email" else "call",
        status_code=status_code,
        v=values,
        errors=errors or {},
        channel=channel,
        duplicates=duplicates or [],
        relationships=[r.value for r in Relationship],
        countries=COUNTRIES,
        idempotency_key=values.get("idempotency_key") or str(uuid.uuid4()),
    )


@router.get("/calls/new")
def new_call(
    request: Request,
    settings: SettingsDep,
    staff: Intake,
    channel: Annotated[str, Query(max_length=10)] = "phone",
    case_reference: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The empty form (a phone call, an email or a visit); `case_reference` pre-selects a case to attach to."""
    values = {"channel": _channel(channel), "requester.language": "ru", "requester.country": "RU"}
    if case_reference:
        values["case_reference"] = case_reference
    return _form_page(request, settings, staff, values)


def _posted(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 100_000}


def _duplicates(session: SessionDep, staff: StaffContext, values: dict[str, str]) -> list[Any]:
    document = forms.nest(values, fields=DUPLICATE_FIELDS, dates=DATES)
    sought = document.get("sought", {})
    if not any(sought.get(n) for n in ("surname", "given_name", "service_number")):
        return []
    try:
        check = DuplicateCheckIn.model_validate({"sought": sought})
    except ValidationError:
        return []
    return inquiries.check_duplicates(session, principal=staff.principal, sought=check.sought)


@router.post("/calls/duplicates")
async def duplicate_panel(request: Request, session: SessionDep, settings: SettingsDep, staff: Intake) -> Response:
    """The live panel: open cases that probably concern the person typed so far, with the reasons."""
    values = _posted(await request.form())
    return page(
        request,
        settings,
        "console/intake/duplicates.html",
        staff,
        duplicates=_duplicates(session, staff, values),
        v=values,
    )


@router.post("/calls")
async def log_call(request: Request, session: SessionDep, settings: SettingsDep, staff: Intake) -> Response:
    """Log the inquiry (through `app.inquiries.service.create_inquiry`); show the reference and access code large."""
    values = _posted(await request.form())
    key = values.get("idempotency_key", "")[:64]
    document = forms.nest(values, fields=FIELDS, checkboxes=CHECKBOXES, dates=DATES, verbatim=VERBATIM)
    document["channel"] = _channel(values.get("channel"))
    if document["channel"] != "email":
        document.pop("message", None)
    try:
        data = InquiryCreate.model_validate(document)
    except ValidationError as exc:
        errors = forms.field_errors(exc)
        # The service checks the phone only once the rest is valid; say everything that is wrong at once.
        try:
            region = values.get("requester.country") or settings.phone_default_region
            normalize_phone(values.get("requester.phone") or None, region)
        except Unprocessable as phone_problem:
            errors.update(forms.field_errors(phone_problem))
        _invalid(request, session, settings, staff, values, errors)
    claimed = claim_form(session, principal=staff.principal, key=key, path=PATH, document=document)
    if isinstance(claimed, StoredResponse):
        return _done(request, settings, staff, json.loads(claimed.body), status_code=claimed.status_code)
    try:
        created = inquiries.create_inquiry(session, principal=staff.principal, data=data)
    except (Unprocessable, NotFound) as exc:
        problem = exc if isinstance(exc, Unprocessable) else Unprocessable(exc.detail, **exc.extra)
        _invalid(request, session, settings, staff, values, forms.field_errors(problem))
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


def _invalid(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffContext,
    values: dict[str, str],
    errors: dict[str, str],
) -> NoReturn:
    if "sought" in errors:  # nothing or too little about the sought person: say what is needed, at the surname
        errors.pop("sought")
        errors.setdefault("sought.surname", IDENTITY_NEEDED)
    raise FormRejected(
        _form_page(
            request,
            settings,
            staff,
            values,
            errors=errors,
            duplicates=_duplicates(session, staff, values),
            status_code=422,
        )
    )


def _done(
    request: Request, settings: SettingsDep, staff: StaffContext, result: dict[str, Any], *, status_code: int
) -> Response:
    return page(
        request, settings, "console/intake/done.html", staff, active="call", status_code=status_code, result=result
    )
