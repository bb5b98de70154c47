"""Routes that move one inquiry between cases; they live under the case they change (`/api/v1/cases/{reference}`).

Supervisors only (`case:merge`); each change needs the case's `If-Match` and accepts an `Idempotency-Key`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases.concurrency import IfMatchDep, etag
from app.cases.schemas import AttachIn, CaseFullOut, DetachIn, DetachOut, case_view
from app.cases.service import CaseRecord
from app.db import utcnow
from app.deps import SessionDep
from app.idempotency.http import IdempotencyDep, Reply
from app.inquiries import attachment

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

Merger = Annotated[StaffPrincipal, require(P.CASE_MERGE)]
Ref = Annotated[str, Path(max_length=40, description="Case reference, e.g. PW-7K4M-Q9XR-5, typed any way")]

CHANGE_RESPONSES: dict[int | str, dict[str, str]] = {
    404: {"description": "No such case, or not in your scope"},
    409: {"description": "Not allowed in the case's current state (lists the allowed transitions)"},
    412: {"description": "The case changed since you read it (stale If-Match)"},
    422: {"description": "Invalid input, or a mistyped case reference"},
    428: {"description": "If-Match missing"},
}


def _case_reply(rec: CaseRecord) -> Reply:
    return Reply(case_view(rec, utcnow()), {"ETag": etag(rec.case)})


@router.post("/{reference}/inquiries", response_model=CaseFullOut, responses=CHANGE_RESPONSES)
def attach_inquiry(
    reference: Ref, body: AttachIn, principal: Merger, session: SessionDep, if_match: IfMatchDep, idem: IdempotencyDep
) -> Response:
    """Attach an inquiry to this case, moving it from the case it is on (which must keep another inquiry)."""
    return idem.respond(
        session,
        principal,
        lambda: _case_reply(
            attachment.attach_inquiry(
                session,
                principal=principal,
                reference=reference,
                if_match=if_match,
                inquiry_id=body.inquiry_id,
                reason=body.reason,
            )
        ),
    )


@router.post(
    "/{reference}/detach", response_model=DetachOut, status_code=status.HTTP_201_CREATED, responses=CHANGE_RESPONSES
)
def detach_inquiry(
    reference: Ref,
    body: DetachIn,
    principal: Merger,
    session: SessionDep,
    if_match: IfMatchDep,
    idem: IdempotencyDep,
) -> Response:
    """Take the inquiry `inquiry_id` off this case and open a new case for it. Its requester gets a new access
    code, returned here once."""
    return idem.respond(
        session,
        principal,
        lambda: _detached(
            attachment.detach_inquiry(
                session,
                principal=principal,
                reference=reference,
                if_match=if_match,
                inquiry_id=body.inquiry_id,
                reason=body.reason,
            )
        ),
        status_code=status.HTTP_201_CREATED,
    )


def _detached(result: attachment.Detached) -> Reply:
    body = DetachOut(
        inquiry_id=result.inquiry.id,
        previous_case_reference=result.old_case.reference,
        case_reference=result.new_case.reference,
        access_code=result.access_code,
    )
    return Reply(body, {"Location": f"/api/v1/cases/{result.new_case.reference}"})
