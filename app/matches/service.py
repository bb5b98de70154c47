"""Case matches: run the lookup for a case, propose its candidates, and record the officers' decisions.

Rules:
* A case holds each registry person once (`case_match` is unique on case and person): a rejected candidate is never
  proposed again, however often the case is searched.
* Only `strong` and `possible` candidates become proposals; `weak` ones are shown but an officer must propose them
  by hand.
* Proposing moves a `searching` case to `match_proposed` (an `open` case first to `searching`); rejecting the last
  open proposal of a `match_proposed` case moves it back to `searching`.
* At most one match per case is confirmed (checked here, guaranteed by a partial unique index).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case, CaseState
from app.cases.policies import get_case_for
from app.cases.workflow import add_event, transition
from app.db import utcnow
from app.errors import Conflict, InvalidTransition, NotFound, Unprocessable
from app.inquiries.models import Inquiry
from app.matches.models import CaseMatch, MatchOrigin, MatchStatus
from app.matching import LookupQuery
from app.registry.lookup import Candidate, explanation_json, find_candidates, has_identifying_field, score_person
from app.registry.models import RegistryPerson

PROPOSED_STRENGTHS = frozenset({"strong", "possible"})
REVIEW_REASON = "New registry candidates to review"
"""The `review_reason` this module sets (and clears once the officers have decided every proposal)."""


@dataclass(frozen=True, slots=True)
class CaseLookupResult:
    candidates: list[Candidate]
    proposed: list[CaseMatch]
    held: dict[int, CaseMatch]
    """The case's match for each candidate person that has one (new proposals included)."""


def case_queries(session: Session, case: Case, override: LookupQuery | None = None) -> list[LookupQuery]:
    """What the case knows of the sought person: the officers' summary and every inquiry's own spelling (distinct).

    An `override` (an officer's corrected particulars) replaces them all.
    """
    if override is not None:
        return [override]
    inquiries = session.execute(select(Inquiry).where(Inquiry.case_id == case.id).order_by(Inquiry.received_at))
    queries: list[LookupQuery] = []
    for source in (case, *inquiries.scalars()):
        query = LookupQuery(
            surname=source.sought_surname,
            given_name=source.sought_given_name,
            patronymic=source.sought_patronymic,
            date_of_birth=source.sought_date_of_birth,
            place_of_birth=source.sought_place_of_birth,
            service_number=source.sought_service_number,
            military_unit=source.sought_military_unit,
        )
        if has_identifying_field(query) and query not in queries:
            queries.append(query)
    return queries


def known_person_ids(session: Session, case_id: uuid.UUID) -> set[int]:
    return set(session.execute(select(CaseMatch.person_id).where(CaseMatch.case_id == case_id)).scalars())


def search_case(
    session: Session, case: Case, *, limit: int, override: LookupQuery | None = None, exclude: set[int] | None = None
) -> list[Candidate]:
    """The best candidates over every spelling the case knows, each person once with his best score."""
    best: dict[int, Candidate] = {}
    for query in case_queries(session, case, override):
        for candidate in find_candidates(session, query, limit=limit, exclude=exclude or ()):
            held = best.get(candidate.person.id)
            if held is None or candidate.match.score > held.match.score:
                best[candidate.person.id] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.match.score, c.person.id))
    return ranked[:limit]


def propose(
    session: Session, case: Case, candidates: Sequence[Candidate], *, actor: Actor, origin: MatchOrigin
) -> list[CaseMatch]:
    """Record new proposals for the `strong`/`possible` candidates the case does not hold yet."""
    known = known_person_ids(session, case.id)
    created: list[CaseMatch] = []
    for candidate in candidates:
        if candidate.match.strength not in PROPOSED_STRENGTHS or candidate.person.id in known:
            continue
        created.append(_new_match(session, case, candidate, actor=actor, origin=origin))
    if created:
        session.flush()
        public = {c.person.id: str(c.person.public_id) for c in candidates}
        add_event(
            session,
            case,
            actor=actor,
            kind="matches_proposed",
            details={"persons": [public[m.person_id] for m in created]},
        )
    return created


def _new_match(session: Session, case: Case, candidate: Candidate, *, actor: Actor, origin: MatchOrigin) -> CaseMatch:
    match = CaseMatch(
        case_id=case.id,
        person_id=candidate.person.id,
        origin=origin.value,
        score=round(candidate.match.score, 6),
        strength=candidate.match.strength,
        explanation=explanation_json(candidate.match),
        proposed_by=actor.id,
        proposed_at=utcnow(),
    )
    session.add(match)
    record(
        session,
        actor=actor,
        action="match.proposed",
        target_type="case",
        target_id=case.id,
        details={
            "person_id": str(candidate.person.public_id),
            "origin": origin.value,
            "score": round(candidate.match.score, 4),
            "strength": candidate.match.strength,
        },
    )
    return match


def _advance(session: Session, case: Case, *, actor: Actor, proposals: int) -> None:
    """Move the case along as the proposals require (open → searching → match_proposed)."""
    if case.state == CaseState.OPEN:
        transition(session, case=case, to_state=CaseState.SEARCHING, actor=actor, reason="Registry lookup run")
    if proposals and case.state == CaseState.SEARCHING:
        transition(
            session,
            case=case,
            to_state=CaseState.MATCH_PROPOSED,
            actor=actor,
            reason=f"Registry lookup proposed {proposals} candidate(s)",
        )


def run_case_lookup(
    session: Session, *, principal: StaffPrincipal, reference: str, override: LookupQuery | None, limit: int
) -> CaseLookupResult:
    """An officer's lookup for a case: candidates (rejected ones left out), and proposals for the new ones."""
    case = get_case_for(session, principal, reference, for_update=True)
    queries = case_queries(session, case, override)
    if not queries:
        raise Unprocessable.field(
            "#/surname", "The case names no one yet: give a name or a service number, or complete the case first."
        )
    rejected = set(
        session.execute(
            select(CaseMatch.person_id).where(
                CaseMatch.case_id == case.id, CaseMatch.status == MatchStatus.REJECTED.value
            )
        ).scalars()
    )
    candidates = search_case(session, case, limit=limit, override=override, exclude=rejected)
    created = propose(session, case, candidates, actor=principal.actor, origin=MatchOrigin.LOOKUP)
    pending = _pending_count(session, case.id)
    _advance(session, case, actor=principal.actor, proposals=pending)
    record(
        session,
        actor=principal.actor,
        action="case.registry_searched",
        target_type="case",
        target_id=case.id,
        details={
            "queries": len(queries),
            "candidates": [str(c.person.public_id) for c in candidates],
            "proposed": len(created),
        },
    )
    ids = [c.person.id for c in candidates]
    held = session.execute(select(CaseMatch).where(CaseMatch.case_id == case.id, CaseMatch.person_id.in_(ids)))
    return CaseLookupResult(candidates, created, {m.person_id: m for m in held.scalars()})


def _pending_count(session: Session, case_id: uuid.UUID) -> int:
    rows = session.execute(
        select(CaseMatch.id).where(CaseMatch.case_id == case_id, CaseMatch.status == MatchStatus.PROPOSED.value)
    )
    return len(rows.all())


def list_matches(
    session: Session, *, principal: StaffPrincipal, reference: str
) -> list[tuple[CaseMatch, RegistryPerson]]:
    """The case's matches, confirmed first, then open proposals by score, then rejected ones."""
    case = get_case_for(session, principal, reference)
    rows = session.execute(
        select(CaseMatch, RegistryPerson)
        .join(RegistryPerson, RegistryPerson.id == CaseMatch.person_id)
        .where(CaseMatch.case_id == case.id)
    ).all()
    order = {MatchStatus.CONFIRMED.value: 0, MatchStatus.PROPOSED.value: 1, MatchStatus.REJECTED.value: 2}
    ranked = sorted(rows, key=lambda r: (order.get(r[0].status, 3), -r[0].score, str(r[0].id)))
    return [(m, p) for m, p in ranked]


def propose_manually(
    session: Session, *, principal: StaffPrincipal, reference: str, person_id: uuid.UUID
) -> tuple[CaseMatch, RegistryPerson]:
    """An officer proposes a registry person by hand (scored like any candidate, whatever the strength)."""
    case = get_case_for(session, principal, reference, for_update=True)
    person = session.execute(select(RegistryPerson).where(RegistryPerson.public_id == person_id)).scalar_one_or_none()
    if person is None:
        raise Unprocessable.field("#/person_id", "No such registry person.")
    if person.id in known_person_ids(session, case.id):
        raise Conflict("This person is already proposed for the case, or was rejected for it.")
    scored = _score_person(session, case, person)
    match = _new_match(session, case, scored, actor=principal.actor, origin=MatchOrigin.MANUAL)
    session.flush()
    add_event(session, case, actor=principal.actor, kind="matches_proposed", details={"persons": [str(person_id)]})
    _advance(session, case, actor=principal.actor, proposals=1)
    return match, person


def _score_person(session: Session, case: Case, person: RegistryPerson) -> Candidate:
    """Score one chosen person against the case's best spelling (the explanation an officer will read)."""
    queries = case_queries(session, case) or [LookupQuery()]
    scored = [score_person(session, query, person) for query in queries]
    return max(scored, key=lambda c: c.match.score)


def _load_match(session: Session, case: Case, match_id: uuid.UUID) -> CaseMatch:
    match = session.execute(
        select(CaseMatch).where(CaseMatch.id == match_id, CaseMatch.case_id == case.id).with_for_update()
    ).scalar_one_or_none()
    if match is None:
        raise NotFound("There is no such match for this case.")
    return match


def _decided(session: Session, case: Case, *, actor: Actor) -> None:
    """After a decision: clear this module's review flag once nothing is left to decide."""
    if _pending_count(session, case.id) == 0 and case.needs_review and case.review_reason == REVIEW_REASON:
        case.needs_review, case.review_reason = False, None


def confirm(
    session: Session, *, principal: StaffPrincipal, reference: str, match_id: uuid.UUID, reason: str | None
) -> tuple[CaseMatch, RegistryPerson]:
    """Confirm a proposal: this registry person is the sought person. At most one confirmed match per case."""
    case = get_case_for(session, principal, reference, for_update=True)
    match = _load_match(session, case, match_id)
    if match.status != MatchStatus.PROPOSED.value:
        raise InvalidTransition(f"A {match.status} match cannot be confirmed.", current_state=match.status)
    other = session.execute(
        select(CaseMatch.id).where(CaseMatch.case_id == case.id, CaseMatch.status == MatchStatus.CONFIRMED.value)
    ).first()
    if other is not None:
        raise Conflict("Another registry person is already confirmed for this case; reject that match first.")
    _decide(session, case, match, status=MatchStatus.CONFIRMED, principal=principal, reason=reason)
    _decided(session, case, actor=principal.actor)
    person = session.get_one(RegistryPerson, match.person_id)
    return match, person


def reject(
    session: Session, *, principal: StaffPrincipal, reference: str, match_id: uuid.UUID, reason: str
) -> tuple[CaseMatch, RegistryPerson]:
    """Reject a proposal (or withdraw a confirmation): the person is never proposed for this case again."""
    case = get_case_for(session, principal, reference, for_update=True)
    match = _load_match(session, case, match_id)
    if match.status == MatchStatus.REJECTED.value:
        raise InvalidTransition("The match is already rejected.", current_state=match.status)
    _decide(session, case, match, status=MatchStatus.REJECTED, principal=principal, reason=reason)
    if (
        case.state == CaseState.MATCH_PROPOSED
        and _pending_count(session, case.id) == 0
        and not _has_confirmed(session, case.id)
    ):
        transition(
            session,
            case=case,
            to_state=CaseState.SEARCHING,
            actor=principal.actor,
            reason="Every proposed match was rejected",
        )
    _decided(session, case, actor=principal.actor)
    person = session.get_one(RegistryPerson, match.person_id)
    return match, person


def _has_confirmed(session: Session, case_id: uuid.UUID) -> bool:
    return (
        session.execute(
            select(CaseMatch.id).where(CaseMatch.case_id == case_id, CaseMatch.status == MatchStatus.CONFIRMED.value)
        ).first()
        is not None
    )


def _decide(
    session: Session,
    case: Case,
    match: CaseMatch,
    *,
    status: MatchStatus,
    principal: StaffPrincipal,
    reason: str | None,
) -> None:
    before = match.status
    match.status = status.value
    match.decided_by_id = principal.user_id
    match.decided_at = utcnow()
    match.decision_reason = reason
    session.flush()
    person = session.get_one(RegistryPerson, match.person_id)
    add_event(
        session,
        case,
        actor=principal.actor,
        kind=f"match_{status.value}",
        reason=reason,
        details={"match_id": str(match.id), "person_id": str(person.public_id)},
    )
    record(
        session,
        actor=principal.actor,
        action=f"match.{status.value}",
        target_type="case",
        target_id=case.id,
        changes={"status": {"old": before, "new": status.value}},
        details={"match_id": str(match.id), "person_id": str(person.public_id), "reason": reason},
    )
