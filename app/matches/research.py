"""Searching open cases again after the registry changed.

A registry import that created or changed persons enqueues `matches.research`. The job walks every case in
`searching` or `not_found` (merged cases excepted), runs the lookup over every spelling the case knows, leaving out
the persons the case already holds, and proposes new `strong` or `possible` candidates. A case that gets any is
flagged for review (`needs_review`, `review_reason`); a `searching` case moves to `match_proposed`. A `not_found`
case keeps its state: its outcome stands until an officer reopens the search.

Each case is its own batch (`app.transaction.commit_batch`), so the job never holds SQLite's write lock for long and a
crash loses one case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record, system_actor
from app.cases.models import Case, CaseState
from app.cases.workflow import transition
from app.matches.models import MatchOrigin
from app.matches.service import REVIEW_REASON, case_queries, known_person_ids, propose, search_case
from app.transaction import commit_batch

RESEARCH_STATES = (CaseState.SEARCHING.value, CaseState.NOT_FOUND.value)
RESEARCH_LIMIT = 10
_PAGE = 500


def _case_ids(session: Session) -> Iterator[uuid.UUID]:
    """Ids of the cases to search again, page by page (keyset on id, so concurrent changes do not skip any)."""
    after: uuid.UUID | None = None
    while True:
        query = select(Case.id).where(Case.state.in_(RESEARCH_STATES), Case.merged_into_id.is_(None))
        if after is not None:
            query = query.where(Case.id > after)
        page = list(session.execute(query.order_by(Case.id).limit(_PAGE)).scalars())
        commit_batch(session)
        if not page:
            return
        yield from page
        after = page[-1]


def research_case(session: Session, case: Case, *, import_id: str | None) -> int:
    """Search one case again; returns how many new proposals it got."""
    actor = system_actor()
    if not case_queries(session, case):
        return 0
    candidates = search_case(session, case, limit=RESEARCH_LIMIT, exclude=known_person_ids(session, case.id))
    created = propose(session, case, candidates, actor=actor, origin=MatchOrigin.RESEARCH)
    if not created:
        return 0
    case.needs_review, case.review_reason = True, REVIEW_REASON
    record(
        session,
        actor=actor,
        action="case.review_flagged",
        target_type="case",
        target_id=case.id,
        details={"reason": REVIEW_REASON, "proposals": len(created), "import_id": import_id},
    )
    if case.state == CaseState.SEARCHING:
        transition(
            session,
            case=case,
            to_state=CaseState.MATCH_PROPOSED,
            actor=actor,
            reason=f"New registry records: {len(created)} candidate(s) proposed",
        )
    session.flush()
    return len(created)


def research_open_cases(session: Session, *, import_id: str | None = None) -> tuple[int, int]:
    """Search every open case again; returns (cases searched, cases flagged). Commits case by case."""
    searched = flagged = 0
    for case_id in _case_ids(session):
        case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
        if case is None or case.state not in RESEARCH_STATES or case.merged_into_id is not None:
            commit_batch(session)
            continue
        searched += 1
        flagged += research_case(session, case, import_id=import_id) > 0
        commit_batch(session)
    return searched, flagged
