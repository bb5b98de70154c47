"""Inquiry routes: log an inquiry (idempotent), check for duplicates before saving, list and search, read one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases.params import SearchDep
from app.deps import SessionDep
from app.idempotency.http import IdempotencyDep, Reply
from app.inquiries import queries, service
from app.inquiries.builder import InquiryCreated
from app.inquiries.queries import InquirySort
from app.inquiries.schemas import (
    DuplicateCheckIn,
    DuplicateCheckOut,
    DuplicateOut,
    InquiryCreate,
    InquiryCreatedOut,
    InquiryOut,
    InquirySummaryOut,
)
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/inquiries", tags=["inquiries"])

Intake = Annotated[StaffPrincipal, require(P.INQUIRY_CREATE)]
Reader = Annotated[StaffPrincipal, require(P.INQUIRY_READ)]


def _created(result: InquiryCreated) -> Reply:
    body = InquiryCreatedOut(
        inquiry=InquiryOut.of(result.inquiry, result.case.reference),
        case_reference=result.case.reference,
        case_opened=result.case_opened,
        access_code=result.access_code,
        duplicates=[DuplicateOut.of(d) for d in result.duplicates],
    )
    return Reply(body, {"Location": f"/api/v1/inquiries/{result.inquiry.id}"})


@router.post(
    "",
    response_model=InquiryCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses={404: {"description": "`case_reference` names no case"}, 422: {"description": "Invalid input"}},
)
def create_inquiry(body: InquiryCreate, principal: Intake, session: SessionDep, idem: IdempotencyDep) -> Response:
    """Log an inquiry. It opens a new case, or attaches to `case_reference`. The response carries the case
    reference, the requester's one-time portal access code, and other open cases that probably concern the same
    person. Send an `Idempotency-Key`: a retry then returns this same response and creates nothing."""
    return idem.respond(
        session,
        principal,
        lambda: _created(service.create_inquiry(session, principal=principal, data=body)),
        status_code=status.HTTP_201_CREATED,
    )


@router.post("/check-duplicates", response_model=DuplicateCheckOut)
def check_duplicates(body: DuplicateCheckIn, principal: Intake, session: SessionDep, idem: IdempotencyDep) -> Response:
    """Before saving: open cases that probably concern the sought person, each with its reasons
    (`same_service_number`, `same_name_and_birth_date`, `similar_name`), strongest first."""
    return idem.respond(
        session,
        principal,
        lambda: DuplicateCheckOut(
            duplicates=[
                DuplicateOut.of(d) for d in service.check_duplicates(session, principal=principal, sought=body.sought)
            ]
        ),
    )


@router.get("", response_model=Page[InquirySummaryOut])
def list_inquiries(
    principal: Reader,
    session: SessionDep,
    page: PageDep,
    filters: SearchDep,
    sort: Annotated[InquirySort, Query()] = InquirySort.RECEIVED_DESC,
) -> Page[InquirySummaryOut]:
    """Inquiries on cases in your scope, searched by name (requester or sought person), phone, email, channel,
    received date range or case reference; paginated and sorted."""
    rows, total = queries.list_inquiries(
        session, principal=principal, filters=filters, sort=sort, limit=page.limit, offset=page.offset
    )
    return Page(
        items=[InquirySummaryOut.of(i, ref, state) for i, ref, state in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{inquiry_id}", response_model=InquiryOut, responses={404: {"description": "No such inquiry in scope"}})
def get_inquiry(inquiry_id: uuid.UUID, principal: Reader, session: SessionDep) -> InquiryOut:
    """One inquiry as it was logged, including the original message. Audited."""
    inquiry, reference, recorder = service.get_inquiry(session, principal=principal, inquiry_id=inquiry_id)
    return InquiryOut.of(inquiry, reference, recorder)
