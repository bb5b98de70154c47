"""Cases for console tests, made through the same domain services the console and the API call."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.auth.permissions import permissions_for
from app.auth.principals import StaffPrincipal
from app.inquiries import service as inquiries
from app.inquiries.schemas import InquiryCreate
from app.staff.models import StaffUser
from app.transaction import unit_of_work
from tests.cases.factories import MOTHER_CALL


def principal_of(user: StaffUser) -> StaffPrincipal:
    roles = tuple(sorted(user.roles))
    return StaffPrincipal(user.id, user.username, roles, permissions_for(roles), user.id)


def log_call(factory: sessionmaker[Session], operator: StaffUser, **overrides: Any) -> tuple[str, str]:
    """Log a phone inquiry as `operator`; returns (case reference, access code)."""
    body = copy.deepcopy(MOTHER_CALL)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    with unit_of_work(factory) as session:
        created = inquiries.create_inquiry(
            session, principal=principal_of(operator), data=InquiryCreate.model_validate(body)
        )
        return created.case.reference, created.access_code
