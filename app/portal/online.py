"""The public online inquiry form (channel `web`): validation, spam protection, and registration.

Spam protection needs no third-party service: a honeypot field that people never see (a filled one gets a plausible
but fake confirmation, so a bot learns nothing) and a per-address limit on submissions per hour. Consent to store
the data is required; a way to reach the requester (phone or email) too, so that staff can call with news.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Annotated

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from fastapi import Form
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.references import format_reference
from app.config import PortalConfig, Settings
from app.context import client_ip_var
from app.db import utcnow
from app.errors import TooManyRequests, Unprocessable
from app.family_access import codes
from app.i18n import SUPPORTED_LANGUAGES
from app.portal import registration
from app.portal.models import PortalSubmission
from app.portal.schemas import OnlineInquiryCreated, OnlineInquiryIn

RELATIONSHIPS = ("mother", "father", "spouse", "partner", "sibling", "child", "other_relative", "other")
COUNTRIES = ("RU", "UA", "BY", "KZ", "MD", "GE", "AM", "AZ", "UZ", "KG", "TJ", "TM", "LV", "LT", "EE", "PL", "DE")
LANGUAGES = SUPPORTED_LANGUAGES
CONSENTS = ("consent_store", "consent_contact_email", "consent_contact_phone")
ANONYMOUS = Actor("anonymous", ("anonymous",))
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LIMITS = {
    "requester_name": 200,
    "requester_email": 254,
    "requester_phone": 32,
    "requester_city": 100,
    "sought_surname": 100,
    "sought_given_name": 100,
    "sought_patronymic": 100,
    "sought_date_of_birth": 10,
    "sought_place_of_birth": 200,
    "sought_military_unit": 100,
    "sought_rank": 100,
    "sought_service_number": 40,
    "sought_last_contact_date": 10,
    "sought_last_contact_place": 200,
    "sought_distinguishing_marks": 2000,
    "message": 4000,
}
Field = Annotated[str, Form(max_length=10_000)]


@dataclass
class InquiryForm:
    """The form as typed: strings and ticks, re-shown as they were when something needs correcting."""

    requester_name: str = ""
    requester_relationship: str = ""
    requester_email: str = ""
    requester_phone: str = ""
    requester_city: str = ""
    requester_country: str = ""
    requester_language: str = "ru"
    consent_store: bool = False
    consent_contact_email: bool = False
    consent_contact_phone: bool = False
    sought_surname: str = ""
    sought_given_name: str = ""
    sought_patronymic: str = ""
    sought_date_of_birth: str = ""
    sought_place_of_birth: str = ""
    sought_military_unit: str = ""
    sought_rank: str = ""
    sought_service_number: str = ""
    sought_last_contact_date: str = ""
    sought_last_contact_place: str = ""
    sought_distinguishing_marks: str = ""
    message: str = ""
    website: str = ""
    csrf_token: str = field(default="", repr=False)


def inquiry_form(
    requester_name: Field = "",
    requester_relationship: Field = "",
    requester_email: Field = "",
    requester_phone: Field = "",
    requester_city: Field = "",
    requester_country: Field = "",
    requester_language: Field = "ru",
    consent_store: Field = "",
    consent_contact_email: Field = "",
    consent_contact_phone: Field = "",
    sought_surname: Field = "",
    sought_given_name: Field = "",
    sought_patronymic: Field = "",
    sought_date_of_birth: Field = "",
    sought_place_of_birth: Field = "",
    sought_military_unit: Field = "",
    sought_rank: Field = "",
    sought_service_number: Field = "",
    sought_last_contact_date: Field = "",
    sought_last_contact_place: Field = "",
    sought_distinguishing_marks: Field = "",
    message: Field = "",
    website: Field = "",
    csrf_token: Field = "",
) -> InquiryForm:
    values: dict[str, str] = dict(locals())
    form = InquiryForm()
    for name, value in values.items():
        if name in CONSENTS:
            setattr(form, name, value in ("on", "yes", "true", "1"))
        else:
            setattr(form, name, value.strip())
    return form


def empty_form(language: str) -> InquiryForm:
    return InquiryForm(requester_language=language if language in LANGUAGES else "ru")


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    errors: dict[str, str]
    created: OnlineInquiryCreated | None


def _normalize_phone(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate(form: InquiryForm) -> tuple[OnlineInquiryIn | None, dict[str, str]]:
    """The checked inquiry, or error keys per field (`required`, `too_long`, `email`, `phone`, `date`, ...)."""
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(str(getattr(form, name))) > limit:
            errors[name] = "too_long"
    if len(form.requester_name) < 2:
        errors.setdefault("requester_name", "required")
    if form.requester_relationship not in RELATIONSHIPS:
        errors["requester_relationship"] = "required"
    if not form.sought_surname:
        errors.setdefault("sought_surname", "required")
    if not form.consent_store:
        errors["consent_store"] = "consent"
    email = None
    if form.requester_email and "requester_email" not in errors:
        try:
            email = validate_email(form.requester_email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["requester_email"] = "email"
    phone = None
    if form.requester_phone and "requester_phone" not in errors:
        phone = _normalize_phone(form.requester_phone)
        if phone is None:
            errors["requester_phone"] = "phone"
    if not form.requester_email and not form.requester_phone:
        errors["requester_phone"] = "contact"
    if form.consent_contact_email and not form.requester_email:
        errors.setdefault("requester_email", "required")
    if form.consent_contact_phone and not form.requester_phone:
        errors.setdefault("requester_phone", "required")
    birth = iso_birth_date(form.sought_date_of_birth) if form.sought_date_of_birth else None
    if form.sought_date_of_birth and (birth is None or not _partial_date_ok(birth)):
        errors.setdefault("sought_date_of_birth", "date")
    last = iso_birth_date(form.sought_last_contact_date) if form.sought_last_contact_date else None
    if form.sought_last_contact_date and (last is None or not _full_date_ok(last)):
        errors.setdefault("sought_last_contact_date", "date")
    if form.requester_country and form.requester_country not in COUNTRIES:
        errors["requester_country"] = "invalid"
    if errors:
        return None, errors
    data = {f.name: getattr(form, f.name) or None for f in fields(form) if f.name not in ("csrf_token",)}
    data["sought_date_of_birth"], data["sought_last_contact_date"] = birth, last
    data.update(
        requester_email=email,
        requester_phone=phone,
        requester_language=form.requester_language if form.requester_language in LANGUAGES else "ru",
        consent_store=form.consent_store,
        consent_contact_email=form.consent_contact_email,
        consent_contact_phone=form.consent_contact_phone,
    )
    return OnlineInquiryIn.model_validate(data), {}


LOCAL_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
LOCAL_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")


def iso_birth_date(value: str) -> str | None:
    """`14.03.1999`, `4.3.1999`, `14/03/1999`, `03.1999` as families write them, or ISO (`1999-03-14`, `1999-03`,
    `1999`), as ISO; None when it is none of these (range checks follow)."""
    value = value.strip()
    if PARTIAL_DATE.match(value):
        return value
    if match := LOCAL_DATE.match(value):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if match := LOCAL_MONTH.match(value):
        month, year = match.groups()
        return f"{year}-{int(month):02d}"
    return None


def _partial_date_ok(value: str) -> bool:
    if not PARTIAL_DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if not 1900 <= year <= date.today().year:
        return False
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    if len(parts) == 3:
        return _full_date_ok(value)
    return True


def _full_date_ok(value: str) -> bool:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return False
    return date(1900, 1, 1) <= parsed <= date.today()


def _rate_limited(session: Session, portal: PortalConfig) -> int | None:
    client_ip = client_ip_var.get()
    since = utcnow() - timedelta(hours=1)
    count, oldest = session.execute(
        select(func.count(), func.min(PortalSubmission.occurred_at)).where(
            PortalSubmission.kind == "inquiry",
            PortalSubmission.client_ip == client_ip,
            PortalSubmission.occurred_at > since,
        )
    ).one()
    if count < portal.inquiries_per_address_per_hour or oldest is None:
        return None
    return max(1, int((oldest + timedelta(hours=1) - utcnow()).total_seconds()) + 1)


def _fake_confirmation() -> OnlineInquiryCreated:
    """What a bot that filled the honeypot sees: shaped like the real thing, valid for nothing."""
    body = "".join(secrets.choice(codes.ALPHABET) for _ in range(8))
    return OnlineInquiryCreated(
        reference=format_reference(body), access_code=codes.format_code(codes.random_chars(codes.CODE_LENGTH))
    )


def _admit(session: Session, portal: PortalConfig) -> None:
    """Count this submission against the address's hourly allowance, or refuse it (429) when used up."""
    wait = _rate_limited(session, portal)
    if wait is not None:
        record(session, actor=ANONYMOUS, action="portal.inquiry_throttled", target_type="portal")
        raise TooManyRequests(wait, "Too many inquiries from this connection. Please try again later or call us.")
    session.add(PortalSubmission(kind="inquiry", client_ip=client_ip_var.get(), occurred_at=utcnow()))


def _spam(session: Session, portal: PortalConfig) -> OnlineInquiryCreated:
    """The honeypot was filled: nothing is stored, and the bot gets a confirmation that opens nothing."""
    _admit(session, portal)
    record(session, actor=ANONYMOUS, action="portal.inquiry_spam_dropped", target_type="portal")
    return _fake_confirmation()


def _register(
    session: Session, settings: Settings, portal: PortalConfig, data: OnlineInquiryIn
) -> OnlineInquiryCreated:
    _admit(session, portal)
    case, _inquiry, code = registration.register_online_inquiry(session, settings, data)
    return OnlineInquiryCreated(reference=case.reference, access_code=code)


def submit_form(session: Session, settings: Settings, portal: PortalConfig, form: InquiryForm) -> SubmitOutcome:
    """The HTML form: field errors to show again (nothing counted), or the new reference and code."""
    if form.website:
        return SubmitOutcome({}, _spam(session, portal))
    data, errors = validate(form)
    if data is None:
        return SubmitOutcome(errors, None)
    return SubmitOutcome({}, _register(session, settings, portal, data))


def submit_json(
    session: Session, settings: Settings, portal: PortalConfig, body: OnlineInquiryIn
) -> OnlineInquiryCreated:
    """The JSON form: the same checks as the HTML form, reported as a 422 with a pointer per field."""
    if body.website:
        return _spam(session, portal)
    form = _form_from(body)
    data, errors = validate(form)
    if data is None:
        raise Unprocessable(
            "Some fields need attention.",
            errors=[{"pointer": f"#/{name}", "detail": key} for name, key in sorted(errors.items())],
        )
    return _register(session, settings, portal, data)


def _form_from(body: OnlineInquiryIn) -> InquiryForm:
    form = InquiryForm()
    for item in fields(InquiryForm):
        if item.name in OnlineInquiryIn.model_fields:
            value = getattr(body, item.name)
            setattr(form, item.name, value if isinstance(value, bool) else ("" if value is None else str(value)))
    return form
