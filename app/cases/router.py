"""Case routes: queues and search, the case record, its life cycle, assignment, contact log and notes, merging.

Moving single inquiries between cases (`/attach`, `/detach`) is the inquiry domain's: `app.inquiries.attachment_router`.

Every change to a case needs `If-Match` with the ETag last read (428 without, 412 when stale) and accepts an
`Idempotency-Key`. Out-of-scope cases are 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases import journal, merging, outcomes, queries, service
from app.cases.concurrency import IfMatchDep, etag
from app.cases.models import CaseState
from app.cases.params import SearchDep
from app.cases.queries import CaseSort, Queue
from app.cases.schemas import (
    AssignmentIn,
    CaseFullOut,
    CasePatch,
    CaseStatusOut,
    CaseSummaryOut,
    ContactIn,
    ContactOut,
    DecisionIn,
    MergeIn,
    NoteIn,
    NoteOut,
    ProposalOut,
    RejectionIn,
    TimelineEntryOut,
    TransitionIn,
    TransitionOut,
    case_view,
)
from app.cases.service import CaseRecord, Decision, TransitionResult
from app.db import utcnow
from app.deps import SessionDep
from app.idempotency.http import IdempotencyDep, Reply, render
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

Reader = Annotated[StaffPrincipal, require(P.CASE_READ)]
FullReader = Annotated[StaffPrincipal, require(P.CASE_READ_FULL)]
Editor = Annotated[StaffPrincipal, require(P.CASE_EDIT)]
Mover = Annotated[StaffPrincipal, require(P.CASE_TRANSITION)]
Confirmer = Annotated[StaffPrincipal, require(P.CASE_OUTCOME_CONFIRM)]
Assigner = Annotated[StaffPrincipal, require(P.CASE_ASSIGN)]
Merger = Annotated[StaffPrincipal, require(P.CASE_MERGE)]
ContactLogger = Annotated[StaffPrincipal, require(P.CASE_CONTACT_LOG)]
NoteWriter = Annotated[StaffPrincipal, require(P.CASE_NOTE_INTERNAL)]
Ref = Annotated[str, Path(max_length=40, description="Case reference, e.g. PW-7K4M-Q9XR-5, typed any way")]

READ_RESPONSES: dict[int | str, dict[str, str]] = {
    404: {"description": "No such case, or not in your scope"},
    422: {"description": "A mistyped case reference (its check character does not match)"},
}
DECISION_RESPONSES: dict[int | str, dict[str, str]] = {
    403: {"description": "The proposer cannot give the second signature"},
    404: {"description": "No such case or proposal, or not in your scope"},
    409: {"description": "The proposal was already decided (or is not this case's)"},
    412: {"description": "The case changed since you read it (stale If-Match)"},
    428: {"description": "If-Match missing"},
}
CHANGE_RESPONSES: dict[int | str, dict[str, str]] = {
    404: {"description": "No such case, or not in your scope"},
    409: {"description": "Not allowed in the case's current state (lists the allowed transitions)"},
    412: {"description": "The case changed since you read it (stale If-Match)"},
    422: {"description": "Invalid input, or a mistyped case reference"},
    428: {"description": "If-Match missing"},
}


def _case_reply(rec: CaseRecord, status_code: int | None = None) -> Reply:
    return Reply(case_view(rec, utcnow()), {"ETag": etag(rec.case)}, status_code)


def _transition_reply(result: TransitionResult) -> Reply:
    view = case_view(result.record, utcnow())
    assert isinstance(view, CaseFullOut)
    body = TransitionOut(
        applied=result.applied,
        case=view,
        proposal=ProposalOut.of(result.proposal) if result.proposal else None,
    )
    pending = not result.applied and result.proposal is not None and result.proposal.status == "pending"
    return Reply(body, {"ETag": etag(result.case)}, status.HTTP_202_ACCEPTED if pending else status.HTTP_200_OK)


@router.get("", response_model=Page[CaseSummaryOut])
def list_cases(
    principal: Reader,
    session: SessionDep,
    page: PageDep,
    filters: SearchDep,
    queue: Annotated[Queue | None, Query(description="A work queue; omit for every case in your scope")] = None,
    state: Annotated[list[CaseState] | None, Query(description="Repeat for several states")] = None,
    include_merged: Annotated[bool, Query(description="Also list cases merged into others")] = False,
    sort: Annotated[CaseSort, Query()] = CaseSort.CREATED_DESC,
) -> Page[CaseSummaryOut]:
    """Cases in your scope: a queue (`mine`, `unassigned`, `overdue`, `awaiting_confirmation`) and/or a search
    (name, phone, email, channel, received date range, reference), paginated and sorted. Searches are audited."""
    items, total = queries.list_cases(
        session,
        principal=principal,
        queue=queue,
        states=state or [],
        filters=filters,
        include_merged=include_merged,
        sort=sort,
        limit=page.limit,
        offset=page.offset,
    )
    now = utcnow()
    return Page(items=[CaseSummaryOut.of(i, now) for i in items], total=total, limit=page.limit, offset=page.offset)


@router.get("/{reference}", response_model=CaseFullOut | CaseStatusOut, responses=READ_RESPONSES)
def get_case(reference: Ref, principal: Reader, session: SessionDep) -> Response:
    """The case record with its `ETag`: the full view for case officers and above, the status view (no internal
    notes) for operators and coordinators. Every read is audited."""
    return render(_case_reply(service.read_case(session, principal=principal, reference=reference)))


@router.patch("/{reference}", response_model=CaseFullOut, responses=CHANGE_RESPONSES)
def update_case(
    reference: Ref, body: CasePatch, principal: Editor, session: SessionDep, if_match: IfMatchDep
) -> Response:
    """Edit the working summary of the sought person, the priority or the next review date (fields sent only)."""
    rec = service.update_case(
        session, principal=principal, reference=reference, if_match=if_match, values=body.values()
    )
    return render(_case_reply(rec))


@router.post(
    "/{reference}/transitions",
    response_model=TransitionOut,
    responses={202: {"model": TransitionOut, "description": "Proposed; awaits a second person"}, **CHANGE_RESPONSES},
)
def transition_case(
    reference: Ref,
    body: TransitionIn,
    principal: Mover,
    session: SessionDep,
    if_match: IfMatchDep,
    idem: IdempotencyDep,
) -> Response:
    """Move the case to `to_state` with a reason. An illegal move is 409 and lists `allowed_transitions`.

    Recording or reverting `deceased` becomes a proposal (202) that a different case officer or a supervisor must
    confirm; until then the state and the family-facing outcome do not change."""
    return idem.respond(
        session,
        principal,
        lambda: _transition_reply(
            service.transition_case(
                session,
                principal=principal,
                reference=reference,
                if_match=if_match,
                to_state=body.to_state,
                reason=body.reason,
            )
        ),
    )


@router.get("/{reference}/proposals", response_model=list[ProposalOut], responses=READ_RESPONSES)
def list_proposals(reference: Ref, principal: FullReader, session: SessionDep) -> list[ProposalOut]:
    """Every outcome proposal of the case, oldest first, with its decision."""
    return [ProposalOut.of(p) for p in outcomes.list_proposals(session, principal=principal, reference=reference)]


def _decide(
    decision: Decision,
    reference: str,
    body: DecisionIn | RejectionIn,
    principal: StaffPrincipal,
    session: SessionDep,
    if_match: str | None,
    idem: IdempotencyDep,
) -> Response:
    return idem.respond(
        session,
        principal,
        lambda: _transition_reply(
            service.decide_proposal(
                session,
                principal=principal,
                reference=reference,
                proposal_id=body.proposal_id,
                decision=decision,
                if_match=if_match,
                reason=body.reason,
            )
        ),
    )


@router.post("/{reference}/proposal/confirm", response_model=TransitionOut, responses=DECISION_RESPONSES)
def confirm_proposal(
    reference: Ref,
    body: DecisionIn,
    principal: Confirmer,
    session: SessionDep,
    if_match: IfMatchDep,
    idem: IdempotencyDep,
) -> Response:
    """The second signature on the case's pending proposal: a case officer other than the proposer, or a
    supervisor, applies the proposed move."""
    return _decide(Decision.CONFIRM, reference, body, principal, session, if_match, idem)


@router.post("/{reference}/proposal/reject", response_model=TransitionOut, responses=DECISION_RESPONSES)
def reject_proposal(
    reference: Ref,
    body: RejectionIn,
    principal: Confirmer,
    session: SessionDep,
    if_match: IfMatchDep,
    idem: IdempotencyDep,
) -> Response:
    """A second person refuses the pending proposal, with a reason; the case stays as it is."""
    return _decide(Decision.REJECT, reference, body, principal, session, if_match, idem)


@router.post("/{reference}/proposal/withdraw", response_model=TransitionOut, responses=DECISION_RESPONSES)
def withdraw_proposal(
    reference: Ref, body: DecisionIn, principal: Mover, session: SessionDep, if_match: IfMatchDep, idem: IdempotencyDep
) -> Response:
    """The proposer takes their pending proposal back."""
    return _decide(Decision.WITHDRAW, reference, body, principal, session, if_match, idem)


@router.put("/{reference}/assignment", response_model=CaseFullOut, responses=CHANGE_RESPONSES)
def assign_case(
    reference: Ref, body: AssignmentIn, principal: Assigner, session: SessionDep, if_match: IfMatchDep
) -> Response:
    """Assign the case to a case officer or supervisor, or (`officer_id: null`) return it to the unassigned queue."""
    rec = service.assign_case(
        session,
        principal=principal,
        reference=reference,
        if_match=if_match,
        officer_id=body.officer_id,
        reason=body.reason,
    )
    return render(_case_reply(rec))


@router.get("/{reference}/timeline", response_model=list[TimelineEntryOut], responses=READ_RESPONSES)
def get_timeline(reference: Ref, principal: FullReader, session: SessionDep) -> list[TimelineEntryOut]:
    """Every step of the case (and of cases merged into it), oldest first, with actor, time and reason. Audited."""
    return [TimelineEntryOut.of(e) for e in queries.timeline(session, principal=principal, reference=reference)]


@router.get("/{reference}/contacts", response_model=Page[ContactOut], responses=READ_RESPONSES)
def list_contacts(reference: Ref, principal: Reader, session: SessionDep, page: PageDep) -> Page[ContactOut]:
    """The contact log, newest first."""
    rows, total = journal.list_contacts(
        session, principal=principal, reference=reference, limit=page.limit, offset=page.offset
    )
    return Page(items=[ContactOut.of(c, n) for c, n in rows], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/{reference}/contacts", response_model=ContactOut, status_code=status.HTTP_201_CREATED, responses=READ_RESPONSES
)
def log_contact(
    reference: Ref, body: ContactIn, principal: ContactLogger, session: SessionDep, idem: IdempotencyDep
) -> Response:
    """Log a call, email, visit or letter to or from the family. No If-Match: logging never overwrites anything.
    The first outbound contact meets the first-response deadline."""
    return idem.respond(
        session,
        principal,
        lambda: ContactOut.of(
            journal.log_contact(
                session,
                principal=principal,
                reference=reference,
                direction=body.direction,
                channel=body.channel,
                occurred_at=body.occurred_at,
                summary=body.summary,
                inquiry_id=body.inquiry_id,
                visible_to_family=body.visible_to_family,
                purpose=body.purpose,
            ),
            None,
        ),
        status_code=status.HTTP_201_CREATED,
    )


@router.get("/{reference}/notes", response_model=Page[NoteOut], responses=READ_RESPONSES)
def list_notes(reference: Ref, principal: Reader, session: SessionDep, page: PageDep) -> Page[NoteOut]:
    """Staff notes, newest first. Operators see only `staff` notes, never `internal` ones. Audited."""
    rows, total = journal.list_notes(
        session, principal=principal, reference=reference, limit=page.limit, offset=page.offset
    )
    return Page(items=[NoteOut.of(n, a) for n, a in rows], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/{reference}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED, responses=READ_RESPONSES
)
def add_note(
    reference: Ref, body: NoteIn, principal: NoteWriter, session: SessionDep, idem: IdempotencyDep
) -> Response:
    """Add a note: `internal` (case officers and above only) or `staff` (everyone who sees the case)."""
    return idem.respond(
        session,
        principal,
        lambda: NoteOut.of(
            journal.add_note(
                session, principal=principal, reference=reference, body=body.body, visibility=body.visibility
            ),
            None,
        ),
        status_code=status.HTTP_201_CREATED,
    )


@router.post("/{reference}/merge", response_model=CaseFullOut, responses=CHANGE_RESPONSES)
def merge_case(
    reference: Ref, body: MergeIn, principal: Merger, session: SessionDep, if_match: IfMatchDep, idem: IdempotencyDep
) -> Response:
    """Merge the case `duplicate_reference` into this one: its inquiries move here, both histories are kept."""
    return idem.respond(
        session,
        principal,
        lambda: _case_reply(
            merging.merge_cases(
                session,
                principal=principal,
                reference=reference,
                if_match=if_match,
                duplicate_reference=body.duplicate_reference,
                reason=body.reason,
            )
        ),
    )
