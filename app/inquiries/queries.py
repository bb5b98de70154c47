"""Listing and searching inquiries, scoped to the cases the caller may see."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import UnaryExpression, func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case
from app.cases.policies import case_scope
from app.cases.search import SearchFilters, inquiry_search_conditions
from app.inquiries.models import Inquiry


class InquirySort(StrEnum):
    RECEIVED = "received_at"
    RECEIVED_DESC = "-received_at"
    REQUESTER = "requester_name"
    REQUESTER_DESC = "-requester_name"


_ORDER: dict[InquirySort, UnaryExpression[Any]] = {
    InquirySort.RECEIVED: Inquiry.received_at.asc(),
    InquirySort.RECEIVED_DESC: Inquiry.received_at.desc(),
    InquirySort.REQUESTER: Inquiry.requester_name_key.asc(),
    InquirySort.REQUESTER_DESC: Inquiry.requester_name_key.desc(),
}


def list_inquiries(
    session: Session,
    *,
    principal: StaffPrincipal,
    filters: SearchFilters,
    sort: InquirySort,
    limit: int,
    offset: int,
) -> tuple[list[tuple[Inquiry, str, str]], int]:
    """A page of (inquiry, case reference, case state); searches are audited (which filters, never their values)."""
    query = (
        select(Inquiry, Case.reference, Case.state).join(Case, Case.id == Inquiry.case_id).where(case_scope(principal))
    )
    for condition in inquiry_search_conditions(session, filters):
        query = query.where(condition)
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = session.execute(query.order_by(_ORDER[sort], Inquiry.id).limit(limit).offset(offset))
    if filters.used():
        record(
            session,
            actor=principal.actor,
            action="inquiry.searched",
            details={"filters": filters.used(), "results": total},
        )
    return [(inquiry, reference, state) for inquiry, reference, state in rows], int(total)
