"""Maintaining the `case_name_key` index and probing it for candidate cases.

Retrieval is `SELECT case_id, count(DISTINCT key) … WHERE key IN (:probe) GROUP BY case_id ORDER BY 2 DESC LIMIT n`
over an index on (key, case_id): it stays cheap as cases grow, and works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, delete, func, insert, literal, select, text, union_all, update
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseNameKey, CaseState, SoughtPerson
from app.cases.similarity import Particulars, index_keys
from app.db import is_postgresql
from app.inquiries.models import Inquiry

CANDIDATE_LIMIT = 50
# A key this many cases share is common: counted no further, and left out of the candidate probe when rarer keys remain.
COMMON_KEY_CASES = 500


def particulars_of(source: SoughtPerson) -> Particulars:
    return Particulars(
        surname=source.sought_surname,
        given_name=source.sought_given_name,
        patronymic=source.sought_patronymic,
        date_of_birth=source.sought_date_of_birth,
        place_of_birth=source.sought_place_of_birth,
        service_number=source.sought_service_number,
        military_unit=source.sought_military_unit,
    )


def _insert(session: Session, case_id: uuid.UUID, inquiry_id: uuid.UUID | None, keys: Iterable[str]) -> None:
    rows = [{"case_id": case_id, "inquiry_id": inquiry_id, "key": key} for key in sorted(set(keys))]
    if rows:
        session.execute(insert(CaseNameKey), rows)


def index_case_summary(session: Session, case: Case) -> None:
    """(Re)index the case's working summary."""
    session.execute(delete(CaseNameKey).where(CaseNameKey.case_id == case.id, CaseNameKey.inquiry_id.is_(None)))
    _insert(session, case.id, None, index_keys(particulars_of(case)))


def drop_case_summary(session: Session, case_id: uuid.UUID) -> None:
    session.execute(delete(CaseNameKey).where(CaseNameKey.case_id == case_id, CaseNameKey.inquiry_id.is_(None)))


def index_inquiry(session: Session, inquiry: Inquiry) -> None:
    session.execute(delete(CaseNameKey).where(CaseNameKey.inquiry_id == inquiry.id))
    _insert(session, inquiry.case_id, inquiry.id, index_keys(particulars_of(inquiry)))


def move_inquiry_keys(session: Session, inquiry_ids: Iterable[uuid.UUID], case_id: uuid.UUID) -> None:
    ids = list(inquiry_ids)
    if ids:
        session.execute(update(CaseNameKey).where(CaseNameKey.inquiry_id.in_(ids)).values(case_id=case_id))


def active_case() -> ColumnElement[bool]:
    """Cases still worked on: neither merged away nor closed."""
    return (Case.merged_into_id.is_(None)) & (Case.state != CaseState.CLOSED.value)


def candidate_case_ids(
    session: Session, keys: Iterable[str], *, limit: int = CANDIDATE_LIMIT, active_only: bool = True
) -> list[uuid.UUID]:
    """Cases sharing the most keys with the probe, best first.

    Keys held by `COMMON_KEY_CASES` cases or more (a common given name) are left out of the probe when rarer keys
    remain: grouping their long posting lists cost time in proportion to the caseload, and cases found only through
    them rank below the `limit` anyway. A probe of nothing but common keys still uses them all."""
    probe = selective_keys(session, sorted(set(keys)))
    if not probe:
        return []
    shared = func.count(func.distinct(CaseNameKey.key))
    query = (
        select(CaseNameKey.case_id, shared)
        .join(Case, Case.id == CaseNameKey.case_id)
        .where(CaseNameKey.key.in_(probe))
        .group_by(CaseNameKey.case_id)
        .order_by(shared.desc(), CaseNameKey.case_id)
        .limit(limit)
    )
    if active_only:
        query = query.where(active_case())
    return [row[0] for row in session.execute(query)]


def capped_counts(session: Session, keys: Sequence[str], cap: int = COMMON_KEY_CASES) -> dict[str, int]:
    """How many cases carry each key, counted up to `cap`: each count reads at most `cap` index entries."""
    if not keys:
        return {}
    parts = [
        select(literal(key).label("key"), func.count().label("cases")).select_from(
            select(CaseNameKey.case_id).where(CaseNameKey.key == key).distinct().limit(cap).subquery()
        )
        for key in keys
    ]
    rows = session.execute(union_all(*parts))
    return {str(key): int(count) for key, count in rows if count}


def selective_keys(session: Session, probe: list[str]) -> list[str]:
    if len(probe) <= 1:
        return probe
    counts = capped_counts(session, probe)
    rare = [key for key in probe if counts.get(key, 0) < COMMON_KEY_CASES]
    return rare or probe


def case_total(session: Session) -> int:
    """How many cases there are. On PostgreSQL the planner's estimate once the table has been analysed (a
    `count(*)` reads the whole table on every inquiry); it only scales the rarity evidence."""
    if is_postgresql(session):
        estimate = session.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('\"case\"')")
        ).scalar_one_or_none()
        if estimate is not None and estimate >= 1000:
            return int(estimate)
    return int(session.execute(select(func.count()).select_from(Case)).scalar_one())


def frequencies(session: Session, keys: Iterable[str]) -> tuple[dict[str, int], int]:
    """How many cases carry each frequency key (up to `COMMON_KEY_CASES`: beyond it a key is common whatever its
    exact count), and how many cases there are: the engine's rarity evidence, read in time independent of the
    caseload."""
    counts = capped_counts(session, sorted(set(keys)))
    return counts, case_total(session)
