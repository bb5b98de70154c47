from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep
from app.matches import service
from app.matches.schemas import (
    CaseCandidateOut,
    CaseLookupIn,
    CaseLookupOut,
    MatchConfirmIn,
    MatchOut,
    MatchProposeIn,
    MatchRejectIn,
)
from app.registry.lookup import query_from
from app.registry.schemas import CandidateOut

router = APIRouter(prefix="/api/v1/cases/{reference}", tags=["matches"])
Looker = Annotated[StaffPrincipal, require(Permission.REGISTRY_LOOKUP)]
Reader = Annotated[StaffPrincipal, require(Permission.CASE_READ_FULL)]
Decider = Annotated[StaffPrincipal, require(Permission.MATCH_DECIDE)]


@router.post("/lookups", response_model=CaseLookupOut)
def run_case_lookup(reference: str, body: CaseLookupIn, principal: Looker, session: SessionDep) -> CaseLookupOut:
    """Look the case's sought person up in the registry (every spelling the case and its inquiries hold, or the
    particulars given). New `strong` and `possible` candidates become proposals; rejected persons never return."""
    override = body.override_values()
    result = service.run_case_lookup(
        session,
        principal=principal,
        reference=reference,
        override=query_from(override) if override else None,
        limit=body.limit,
    )
    candidates = []
    for candidate in result.candidates:
        held = result.held.get(candidate.person.id)
        candidates.append(
            CaseCandidateOut(
                **CandidateOut.fields_of(candidate),
                match_id=held.id if held else None,
                match_status=held.status if held else None,
            )
        )
    return CaseLookupOut(candidates=candidates, proposed=len(result.proposed))


@router.get("/matches", response_model=list[MatchOut])
def list_matches(reference: str, principal: Reader, session: SessionDep) -> list[MatchOut]:
    """The case's matches: confirmed first, then open proposals best first, then rejected ones."""
    return [MatchOut.of(m, p) for m, p in service.list_matches(session, principal=principal, reference=reference)]


@router.post("/matches", response_model=MatchOut, status_code=status.HTTP_201_CREATED)
def propose_match(reference: str, body: MatchProposeIn, principal: Decider, session: SessionDep) -> MatchOut:
    """Propose a registry person by hand (for instance a `weak` candidate the officer recognises)."""
    match, person = service.propose_manually(
        session, principal=principal, reference=reference, person_id=body.person_id
    )
    return MatchOut.of(match, person)


@router.post("/matches/{match_id}/confirm", response_model=MatchOut)
def confirm_match(
    reference: str, match_id: uuid.UUID, body: MatchConfirmIn, principal: Decider, session: SessionDep
) -> MatchOut:
    """Confirm that this registry person is the sought person (at most one per case)."""
    match, person = service.confirm(
        session, principal=principal, reference=reference, match_id=match_id, reason=body.reason
    )
    return MatchOut.of(match, person)


@router.post("/matches/{match_id}/reject", response_model=MatchOut)
def reject_match(
    reference: str, match_id: uuid.UUID, body: MatchRejectIn, principal: Decider, session: SessionDep
) -> MatchOut:
    """Reject a proposal, or withdraw a confirmation; the person is never proposed for this case again."""
    match, person = service.reject(
        session, principal=principal, reference=reference, match_id=match_id, reason=body.reason
    )
    return MatchOut.of(match, person)
