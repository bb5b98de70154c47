"""Death told by a person first: who on a case has been told, and a supervisor's release for one nobody could reach.

Staff record the telling itself in the contact log (`POST /api/v1/cases/{reference}/contacts` with purpose
`death_notification` or `notification_attempt`); these routes read the result per requester and release the news.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases import death_notice
from app.cases.fields import Reason
from app.deps import SessionDep, SettingsDep
from app.idempotency.http import IdempotencyDep

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

Reader = Annotated[StaffPrincipal, require(P.CASE_READ)]
Releaser = Annotated[StaffPrincipal, require(P.CASE_DEATH_RELEASE)]
Ref = Annotated[str, Path(max_length=40, description="Case reference, e.g. PW-7K4M-Q9XR-5, typed any way")]


class RequesterNoticeOut(BaseModel):
    inquiry_id: uuid.UUID
    requester_name: str
    relationship: str
    state: Literal["not_applicable", "waiting_for_a_person", "told", "released"] = Field(
        description="`waiting_for_a_person`: the portal and emails ask them to call and say nothing of the death"
    )
    told_at: datetime | None
    told_channel: str | None
    released_at: datetime | None
    attempts: list[datetime]
    release_possible_from: datetime | None = Field(
        description="When a supervisor may release the news to their portal; null until enough attempts"
    )


class DeathNoticeOut(BaseModel):
    reference: str
    death_confirmed: bool
    requesters: list[RequesterNoticeOut]


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Reason


class ReleaseOut(BaseModel):
    inquiry_id: uuid.UUID
    released_at: datetime
    attempts: int
    reason: str


def _state(row: death_notice.RequesterDisclosure) -> str:
    d = row.disclosure
    if not d.death_confirmed:
        return "not_applicable"
    if d.told_at is not None:
        return "told"
    return "released" if d.released_at is not None else "waiting_for_a_person"


@router.get(
    "/{reference}/death-notice",
    response_model=DeathNoticeOut,
    responses={404: {"description": "No such case, or not in your scope"}},
)
def read_death_notice(reference: Ref, principal: Reader, session: SessionDep, settings: SettingsDep) -> DeathNoticeOut:
    """Per requester: told by a person, released by a supervisor, or still waiting for a person to tell them."""
    case, rows = death_notice.overview(session, principal=principal, portal=settings.portal, reference=reference)
    return DeathNoticeOut(
        reference=case.reference,
        death_confirmed=any(r.disclosure.death_confirmed for r in rows),
        requesters=[
            RequesterNoticeOut(
                inquiry_id=r.inquiry_id,
                requester_name=r.requester_name,
                relationship=r.relationship,
                state=_state(r),  # type: ignore[arg-type]
                told_at=r.disclosure.told_at,
                told_channel=r.disclosure.told_channel,
                released_at=r.disclosure.released_at,
                attempts=list(r.disclosure.attempts),
                release_possible_from=r.release_possible_from,
            )
            for r in rows
        ],
    )


@router.post(
    "/{reference}/inquiries/{inquiry_id}/death-news-release",
    response_model=ReleaseOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No such case, or not in your scope"},
        409: {"description": "No confirmed death, already told or released, or not enough attempts yet"},
        422: {"description": "Not an inquiry of this case, or no reason"},
    },
)
def release_death_news(
    reference: Ref,
    inquiry_id: uuid.UUID,
    body: ReleaseIn,
    principal: Releaser,
    session: SessionDep,
    settings: SettingsDep,
    idem: IdempotencyDep,
) -> Response:
    """Let this requester's portal tell them of the death, after repeated logged attempts to reach them failed.

    Audited (`case.death_news_released`) with the reason. Their care page then says honestly that we tried to call.
    """

    def act() -> ReleaseOut:
        release = death_notice.release_death_news(
            session,
            principal=principal,
            portal=settings.portal,
            reference=reference,
            inquiry_id=inquiry_id,
            reason=body.reason,
        )
        return ReleaseOut(
            inquiry_id=release.inquiry_id,
            released_at=release.released_at,
            attempts=release.attempts,
            reason=release.reason,
        )

    return idem.respond(session, principal, act, status_code=status.HTTP_201_CREATED)
