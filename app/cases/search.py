"""Search conditions shared by the case and inquiry listings: name, phone, email, channel, dates, reference.

* name: a requester's or the sought person's name. Substring match on folded keys (case, accents, Cyrillic or Latin
  spelling ignored: "ivanova" finds "Иванова"), and for the sought person also every spelling the lookup engine
  understands (declension, nicknames, Ukrainian/Russian forms, typos), through the indexed name keys.
* phone: the number in E.164 when it parses (default region from settings), else any stored number containing the
  digits typed (so the last digits of a number are enough).
* email: exact (case-insensitive) with an `@`, else a substring.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from app.cases.duplicates import score_cases
from app.cases.models import Case
from app.cases.nameindex import candidate_case_ids
from app.cases.references import parse_reference
from app.cases.similarity import is_similar, name_query, probe_keys
from app.cases.text import like_pattern, search_key
from app.db import settings_of
from app.inquiries.models import Inquiry

NAME_CANDIDATES = 200
_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    channel: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    reference: str | None = None

    def used(self) -> list[str]:
        return [name for name in self.__dataclass_fields__ if getattr(self, name) not in (None, "")]


def engine_name_matches(session: Session, text: str) -> list[uuid.UUID]:
    """Cases whose sought person the lookup engine rates a possible or strong match for `text`."""
    query = name_query(text)
    probe, _ = probe_keys(query)
    ids = candidate_case_ids(session, probe, limit=NAME_CANDIDATES, active_only=False)
    scored = score_cases(session, query, ids)
    return [case_id for case_id, (best, _) in scored.items() if best is not None and is_similar(best)]


def _phone_condition(session: Session, phone: str) -> ColumnElement[bool]:
    region = settings_of(session).phone_default_region
    try:
        parsed = phonenumbers.parse(phone, region)
        if phonenumbers.is_valid_number(parsed):
            return Inquiry.requester_phone == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = _DIGITS.sub("", phone)
    if len(digits) < 3:
        return false()
    return Inquiry.requester_phone.like(like_pattern(digits), escape="\\")


def inquiry_conditions(session: Session, filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Conditions over `Inquiry` for everything but the name and the reference."""
    conditions: list[ColumnElement[bool]] = []
    if filters.phone:
        conditions.append(_phone_condition(session, filters.phone))
    if filters.email:
        email = filters.email.strip().lower()
        conditions.append(
            Inquiry.requester_email == email
            if "@" in email
            else Inquiry.requester_email.like(like_pattern(email), escape="\\")
        )
    if filters.channel:
        conditions.append(Inquiry.channel == filters.channel)
    if filters.received_from:
        conditions.append(Inquiry.received_at >= filters.received_from)
    if filters.received_to:
        conditions.append(Inquiry.received_at < filters.received_to)
    return conditions


def name_conditions(session: Session, text: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(condition over Inquiry, condition over Case) for a name; either one matching is a hit."""
    folded = search_key(text)
    if not folded:
        return false(), false()
    pattern = like_pattern(folded)
    on_inquiry = or_(
        Inquiry.requester_name_key.like(pattern, escape="\\"),
        Inquiry.sought_name_key.like(pattern, escape="\\"),
    )
    matched = engine_name_matches(session, text)
    on_case = or_(Case.sought_name_key.like(pattern, escape="\\"), Case.id.in_(matched) if matched else false())
    return on_inquiry, on_case


def reference_condition(reference: str) -> ColumnElement[bool]:
    return Case.reference == parse_reference(reference, parameter="reference")


def case_conditions(session: Session, filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Conditions over `Case`: a case matches when one of its inquiries matches the inquiry-level filters."""
    conditions: list[ColumnElement[bool]] = []
    if filters.reference:
        conditions.append(reference_condition(filters.reference))
    on_inquiry = inquiry_conditions(session, filters)
    if filters.name:
        name_on_inquiry, name_on_case = name_conditions(session, filters.name)
        conditions.append(
            or_(name_on_case, exists(select(Inquiry.id).where(Inquiry.case_id == Case.id, name_on_inquiry)))
        )
    if on_inquiry:
        conditions.append(exists(select(Inquiry.id).where(Inquiry.case_id == Case.id, and_(*on_inquiry))))
    return conditions


def inquiry_search_conditions(session: Session, filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Conditions over `Inquiry` joined to its `Case`, for the inquiry listing."""
    conditions = inquiry_conditions(session, filters)
    if filters.reference:
        conditions.append(reference_condition(filters.reference))
    if filters.name:
        name_on_inquiry, name_on_case = name_conditions(session, filters.name)
        conditions.append(or_(name_on_inquiry, name_on_case))
    return conditions
