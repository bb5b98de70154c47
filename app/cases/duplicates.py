"""Which open cases probably concern the same sought person, and why.

Used before an inquiry is saved (`POST /inquiries/check-duplicates`) and in the inquiry's own response, so the
operator can attach the inquiry to the existing case instead of opening a second one. Reasons, strongest first:

* `same_service_number`: the normalized service numbers are equal (separators, case and Cyrillic look-alike letters
  ignored);
* `same_name_and_birth_date`: surname and given name agree, allowing transliteration and spelling variants
  (Иванов / Ivanov, Алексей / Aleksei / Oleksii), and the full dates of birth are equal;
* `similar_name`: the lookup engine rates the description a strong or possible match.

A case is compared with every description it holds (the working summary and each relative's inquiry) and the best
comparison counts.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.cases.nameindex import candidate_case_ids, frequencies, particulars_of
from app.cases.similarity import (
    Particulars,
    compare,
    explain,
    is_similar,
    probe_keys,
    same_name_and_birth_date,
    service_key,
)
from app.cases.text import normalize_service_number
from app.inquiries.models import Inquiry
from app.matching import LookupQuery, Match

DEFAULT_LIMIT = 10


class DuplicateReason(StrEnum):
    SAME_SERVICE_NUMBER = "same_service_number"
    SAME_NAME_AND_BIRTH_DATE = "same_name_and_birth_date"
    SIMILAR_NAME = "similar_name"


_RANK = {DuplicateReason.SAME_SERVICE_NUMBER: 0, DuplicateReason.SAME_NAME_AND_BIRTH_DATE: 1}


@dataclass(frozen=True, slots=True)
class Reason:
    code: DuplicateReason
    detail: str


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    case: Case
    reasons: tuple[Reason, ...]
    score: float
    strength: str
    inquiry_count: int

    @property
    def rank(self) -> int:
        return min(_RANK.get(r.code, 2) for r in self.reasons)


def _name_reason(matches: list[Match]) -> Reason | None:
    same = [m for m in matches if same_name_and_birth_date(m)]
    if same:
        return Reason(DuplicateReason.SAME_NAME_AND_BIRTH_DATE, explain(max(same, key=lambda m: m.score)))
    similar = [m for m in matches if is_similar(m)]
    if similar:
        return Reason(DuplicateReason.SIMILAR_NAME, explain(max(similar, key=lambda m: m.score)))
    return None


def score_cases(
    session: Session, query: LookupQuery, ids: list[uuid.UUID], *, names_only: bool = False
) -> dict[uuid.UUID, tuple[Match | None, list[tuple[Particulars, Match]]]]:
    """Each case's best match for `query` over every description it holds, and all the comparisons made.

    `names_only` leaves service numbers out of the comparison, so the score speaks of the name and date alone.
    """
    if not ids:
        return {}
    _, frequency_probe = probe_keys(query)
    counts, total = frequencies(session, frequency_probe)
    descriptions: dict[uuid.UUID, list[Particulars]] = defaultdict(list)
    for case in session.execute(select(Case).where(Case.id.in_(ids))).scalars():
        descriptions[case.id].append(particulars_of(case))
    for inquiry in session.execute(select(Inquiry).where(Inquiry.case_id.in_(ids))).scalars():
        descriptions[inquiry.case_id].append(particulars_of(inquiry))
    scored: dict[uuid.UUID, tuple[Match | None, list[tuple[Particulars, Match]]]] = {}
    for case_id, found in descriptions.items():
        if names_only:
            found = [replace(d, service_number=None) for d in found]
        pairs = [(d, compare(query, d, counts, total)) for d in found if not d.is_empty]
        best = max((m for _, m in pairs), key=lambda m: m.score) if pairs else None
        scored[case_id] = (best, pairs)
    return scored


def find_duplicates(
    session: Session, person: Particulars, *, exclude_case_id: uuid.UUID | None = None, limit: int = DEFAULT_LIMIT
) -> list[DuplicateCandidate]:
    """Open cases (not closed, not merged) that probably concern `person`, strongest reason first.

    The service number and the name are judged apart: an equal number is one reason, an agreeing name another,
    so a case found by its number alone is not also called a "similar name".
    """
    number = normalize_service_number(person.service_number)
    svc = service_key(person.service_number)
    by_number = candidate_case_ids(session, {svc}) if svc else []
    named = replace(person, service_number=None)
    probe = probe_keys(named.query())[0] if not named.is_empty else set()
    by_name = candidate_case_ids(session, probe)
    ids = [i for i in dict.fromkeys([*by_number, *by_name]) if i != exclude_case_id]
    if not ids:
        return []
    scored = score_cases(session, named.query(), ids, names_only=True) if not named.is_empty else {}
    cases = {c.id: c for c in session.execute(select(Case).where(Case.id.in_(ids))).scalars()}
    inquiry_counts = {
        case_id: count
        for case_id, count in session.execute(
            select(Inquiry.case_id, func.count()).where(Inquiry.case_id.in_(ids)).group_by(Inquiry.case_id)
        )
    }
    found: list[DuplicateCandidate] = []
    for case_id in ids:
        reasons: list[Reason] = []
        if case_id in by_number:
            reasons.append(Reason(DuplicateReason.SAME_SERVICE_NUMBER, f"service number {number} is on this case"))
        best, pairs = scored.get(case_id, (None, []))
        name_reason = _name_reason([m for _, m in pairs])
        if name_reason is not None:
            reasons.append(name_reason)
        if not reasons:
            continue
        found.append(
            DuplicateCandidate(
                case=cases[case_id],
                reasons=tuple(reasons),
                score=round(best.score, 4) if best else 1.0,
                strength=best.strength if best else "strong",
                inquiry_count=int(inquiry_counts.get(case_id, 0)),
            )
        )
    found.sort(key=lambda c: (c.rank, -c.score, c.case.created_at))
    return found[:limit]
