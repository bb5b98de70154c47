"""Handover API: request, travellers, route planning, scheduling, life cycle, receipts, travel instructions.

Coordinators and supervisors manage (HANDOVER_MANAGE), supervisors approve (HANDOVER_APPROVE), auditors read
(HANDOVER_READ). Travellers' identity documents appear only for HANDOVER_TRAVELLER_DOCUMENTS.

Concurrent edits are detected, not overwritten: a handover's reads and changes answer with its `ETag`, and every
change (edit, travellers, schedule, steps, ...) needs it back in `If-Match` (428 without, 412 when stale; nothing
is changed either way). Traveller changes answer with the handover's new ETag.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import HTMLResponse

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.concurrency import PRECONDITION_RESPONSES, IfMatchDep, etag
from app.deps import SessionDep
from app.handovers import instructions, lifecycle, pdf, planning, scheduling, service
from app.handovers.documents import sees_documents
from app.handovers.models import Handover, HandoverState, HandoverType, Traveller
from app.handovers.schemas import (
    AcknowledgeIn,
    ApproveIn,
    CloseIn,
    CompleteIn,
    HandoverCreate,
    HandoverOut,
    HandoverSummaryOut,
    HandoverUpdate,
    HandoverWithDocumentsOut,
    ReceiptOut,
    RouteOptionsOut,
    ScheduleIn,
    ScheduleOut,
    StepIn,
    TravelInstructions,
    TravellerIn,
    TravellerOut,
    TravellerUpdate,
    TravellerWithDocumentsOut,
)
from app.i18n import LanguageCode, negotiate_language
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/handovers", tags=["handovers"])
Reader = Annotated[StaffPrincipal, require(Permission.HANDOVER_READ)]
Manager = Annotated[StaffPrincipal, require(Permission.HANDOVER_MANAGE)]
Approver = Annotated[StaffPrincipal, require(Permission.HANDOVER_APPROVE)]
HandoverView = HandoverWithDocumentsOut | HandoverOut
TravellerView = TravellerWithDocumentsOut | TravellerOut
Language = Annotated[LanguageCode | None, Query(alias="lang", description="Defaults to Accept-Language")]
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language", include_in_schema=False)]
INSTRUCTIONS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
CHANGE = PRECONDITION_RESPONSES


def _tagged(response: Response, out: HandoverOut) -> HandoverOut:
    response.headers["ETag"] = etag(out)
    return out


def _present(session: SessionDep, principal: StaffPrincipal, response: Response, handover: Handover) -> HandoverOut:
    return _tagged(response, service.present(session, principal=principal, handover=handover))


def _traveller_out(principal: StaffPrincipal, traveller: Traveller) -> TravellerOut:
    if sees_documents(principal):
        return TravellerWithDocumentsOut.model_validate(traveller)
    return TravellerOut.model_validate(traveller)


@router.post("", response_model=HandoverView, status_code=status.HTTP_201_CREATED)
def create_handover(body: HandoverCreate, principal: Manager, session: SessionDep, response: Response) -> HandoverOut:
    """Request a handover for a case whose confirmed outcome allows it (one open handover per case)."""
    handover = service.create_handover(session, principal=principal, data=body)
    response.headers["Location"] = f"{router.prefix}/{handover.id}"
    return _present(session, principal, response, handover)


@router.get("", response_model=Page[HandoverSummaryOut])
def list_handovers(
    principal: Reader,
    session: SessionDep,
    page: PageDep,
    state: Annotated[HandoverState | None, Query()] = None,
    type: Annotated[HandoverType | None, Query()] = None,
    case_id: Annotated[uuid.UUID | None, Query()] = None,
    point_id: Annotated[uuid.UUID | None, Query()] = None,
    escort_team_id: Annotated[uuid.UUID | None, Query()] = None,
    date_from: Annotated[date | None, Query(description="Travel date, inclusive")] = None,
    date_to: Annotated[date | None, Query(description="Travel date, inclusive")] = None,
    needs_attention: Annotated[bool | None, Query(description="Flagged by a closure or absence")] = None,
) -> Page[HandoverSummaryOut]:
    items, total = service.list_handovers(
        session,
        limit=page.limit,
        offset=page.offset,
        state=state.value if state else None,
        case_id=case_id,
        point_id=point_id,
        escort_team_id=escort_team_id,
        date_from=date_from,
        date_to=date_to,
        needs_attention=needs_attention,
        handover_type=type,
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{handover_id}", response_model=HandoverView)
def get_handover(handover_id: uuid.UUID, principal: Reader, session: SessionDep, response: Response) -> HandoverOut:
    """The handover with its `ETag` (send it back in `If-Match` to change it)."""
    return _tagged(response, service.read_handover(session, principal=principal, handover_id=handover_id))


@router.patch("/{handover_id}", response_model=HandoverView, responses=CHANGE)
def update_handover(
    handover_id: uuid.UUID,
    body: HandoverUpdate,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    handover = service.update_handover(
        session, principal=principal, handover_id=handover_id, data=body, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.post(
    "/{handover_id}/travellers", response_model=TravellerView, status_code=status.HTTP_201_CREATED, responses=CHANGE
)
def add_traveller(
    handover_id: uuid.UUID,
    body: TravellerIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> TravellerOut:
    """Add a traveller (needs the handover's ETag; answers with the handover's new one)."""
    handover, traveller = service.add_traveller(
        session, principal=principal, handover_id=handover_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = etag(handover)
    return _traveller_out(principal, traveller)


@router.patch("/{handover_id}/travellers/{traveller_id}", response_model=TravellerView, responses=CHANGE)
def update_traveller(
    handover_id: uuid.UUID,
    traveller_id: uuid.UUID,
    body: TravellerUpdate,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> TravellerOut:
    """Change a traveller (needs the handover's ETag; answers with the handover's new one)."""
    handover, traveller = service.update_traveller(
        session, principal=principal, handover_id=handover_id, traveller_id=traveller_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = etag(handover)
    return _traveller_out(principal, traveller)


@router.delete(
    "/{handover_id}/travellers/{traveller_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=CHANGE,
)
def remove_traveller(
    handover_id: uuid.UUID, traveller_id: uuid.UUID, principal: Manager, session: SessionDep, if_match: IfMatchDep
) -> Response:
    """Remove a traveller (needs the handover's ETag; answers with the handover's new one)."""
    handover = service.remove_traveller(
        session, principal=principal, handover_id=handover_id, traveller_id=traveller_id, if_match=if_match
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"ETag": etag(handover)})


@router.post("/{handover_id}/route-options", response_model=RouteOptionsOut)
def route_options(
    handover_id: uuid.UUID,
    principal: Reader,
    session: SessionDep,
    day: Annotated[date, Query(alias="date", description="Travel date (at the handover point)")],
) -> RouteOptionsOut:
    """Feasible routes (hub → crossing → point) for the date, fastest first, and why the others are not."""
    return planning.route_options(session, handover_id=handover_id, day=day)


@router.post("/{handover_id}/schedule", response_model=HandoverView, responses=CHANGE)
def schedule(
    handover_id: uuid.UUID,
    body: ScheduleIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """Book route, date, window and escort team. Refusals (409/422) name their reason; nothing is changed."""
    handover = scheduling.schedule(
        session, principal=principal, handover_id=handover_id, data=body, reschedule=False, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/reschedule", response_model=HandoverView, responses=CHANGE)
def reschedule(
    handover_id: uuid.UUID,
    body: ScheduleIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """Replace the current plan (kept in the schedule history); `reason` is required."""
    handover = scheduling.schedule(
        session, principal=principal, handover_id=handover_id, data=body, reschedule=True, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.get("/{handover_id}/schedule-history", response_model=list[ScheduleOut])
def schedule_history(handover_id: uuid.UUID, principal: Reader, session: SessionDep) -> list[ScheduleOut]:
    """Every plan made for the handover, oldest first; superseded ones say when and why."""
    return service.schedule_history(session, handover_id)


@router.post("/{handover_id}/approve", response_model=HandoverView, responses=CHANGE)
def approve(
    handover_id: uuid.UUID,
    body: ApproveIn,
    principal: Approver,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """A supervisor other than the requester approves the handover (before or after scheduling)."""
    handover = lifecycle.approve(
        session, principal=principal, handover_id=handover_id, note=body.note, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/in-transit", response_model=HandoverView, responses=CHANGE)
def start_transit(
    handover_id: uuid.UUID,
    body: StepIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """The family is on the way (needs an approved, scheduled handover)."""
    handover = lifecycle.start_transit(
        session, principal=principal, handover_id=handover_id, note=body.note, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/at-border", response_model=HandoverView, responses=CHANGE)
def arrive_at_border(
    handover_id: uuid.UUID,
    body: StepIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """The family is at the border crossing."""
    handover = lifecycle.arrive_at_border(
        session, principal=principal, handover_id=handover_id, note=body.note, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/complete", response_model=HandoverView, responses=CHANGE)
def complete(
    handover_id: uuid.UUID,
    body: CompleteIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """Record who received the person or remains, and when; for remains, the personal effects handed over."""
    handover = lifecycle.complete(session, principal=principal, handover_id=handover_id, data=body, if_match=if_match)
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/cancel", response_model=HandoverView, responses=CHANGE)
def cancel(
    handover_id: uuid.UUID,
    body: CloseIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    handover = lifecycle.close(
        session,
        principal=principal,
        handover_id=handover_id,
        to_state=HandoverState.CANCELLED,
        reason=body.reason,
        if_match=if_match,
    )
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/fail", response_model=HandoverView, responses=CHANGE)
def fail(
    handover_id: uuid.UUID,
    body: CloseIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    handover = lifecycle.close(
        session,
        principal=principal,
        handover_id=handover_id,
        to_state=HandoverState.FAILED,
        reason=body.reason,
        if_match=if_match,
    )
    return _present(session, principal, response, handover)


@router.post("/{handover_id}/acknowledge-flag", response_model=HandoverView, responses=CHANGE)
def acknowledge_flag(
    handover_id: uuid.UUID,
    body: AcknowledgeIn,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HandoverOut:
    """Keep a flagged handover as planned after looking at it (rescheduling clears the flag too)."""
    handover = lifecycle.acknowledge_flag(
        session, principal=principal, handover_id=handover_id, note=body.note, if_match=if_match
    )
    return _present(session, principal, response, handover)


@router.get("/{handover_id}/receipt", response_model=ReceiptOut)
def receipt(handover_id: uuid.UUID, principal: Reader, session: SessionDep) -> ReceiptOut:
    return lifecycle.read_receipt(session, handover_id)


@router.get("/{handover_id}/instructions", response_model=TravelInstructions)
def travel_instructions(
    handover_id: uuid.UUID,
    principal: Reader,
    session: SessionDep,
    lang: Language = None,
    accept_language: AcceptLanguage = None,
) -> TravelInstructions:
    """The family's travel instructions (the same, family-safe content the portal shows)."""
    language = lang or negotiate_language(accept_language)
    return instructions.for_handover(session, handover_id=handover_id, language=language)


@router.get("/{handover_id}/instructions.html", response_class=HTMLResponse)
def travel_instructions_page(
    handover_id: uuid.UUID,
    principal: Reader,
    session: SessionDep,
    lang: Language = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """A printable page of the travel instructions; self-contained (no external resources)."""
    language = lang or negotiate_language(accept_language)
    page = instructions.render_html(instructions.for_handover(session, handover_id=handover_id, language=language))
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": INSTRUCTIONS_CSP,
            "Cache-Control": "no-store",
            "Content-Language": language,
        },
    )


@router.get(
    "/{handover_id}/instructions.pdf",
    response_class=Response,
    responses={
        200: {"content": {pdf.MEDIA_TYPE: {}}, "description": "The travel instructions as an A4 PDF"},
        503: {"description": "The server lacks the fonts for PDF (the HTML page still works)"},
    },
)
def travel_instructions_pdf(
    handover_id: uuid.UUID,
    principal: Reader,
    session: SessionDep,
    lang: Language = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """The travel instructions as a printable PDF: the same family-safe content as the page, in ru, uk or en."""
    language = lang or negotiate_language(accept_language)
    found = instructions.for_handover(session, handover_id=handover_id, language=language)
    filename = f"travel-instructions-{found.case_reference}-{language}.pdf"
    return Response(
        pdf.render_pdf(found),
        media_type=pdf.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
            "Content-Language": language,
            "X-Content-Type-Options": "nosniff",
        },
    )
