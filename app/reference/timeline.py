"""Reading the time series: a crossing's operating status and an escort team's availability on a date.

Both follow one rule: among the entries covering a date, the one recorded last (highest `seq`) decides. A crossing
with no entry covering a date has an unknown status (no route is planned through it); a team with none is available.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.reference.models import CrossingStatus, EscortAvailability


def crossing_status_on(session: Session, crossing_id: uuid.UUID, day: date) -> CrossingStatus | None:
    """The status entry in force for `crossing_id` on `day`, or None when nothing covers that day."""
    return session.execute(
        select(CrossingStatus)
        .where(
            CrossingStatus.crossing_id == crossing_id,
            CrossingStatus.valid_from <= day,
            or_(CrossingStatus.valid_until.is_(None), CrossingStatus.valid_until >= day),
        )
        .order_by(CrossingStatus.seq.desc())
        .limit(1)
    ).scalar_one_or_none()


def crossing_statuses_on(
    session: Session, crossing_ids: Iterable[uuid.UUID], day: date
) -> dict[uuid.UUID, CrossingStatus]:
    """The status in force on `day` for each of `crossing_ids` that has one, in one query."""
    ids = list(crossing_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(CrossingStatus)
        .where(
            CrossingStatus.crossing_id.in_(ids),
            CrossingStatus.valid_from <= day,
            or_(CrossingStatus.valid_until.is_(None), CrossingStatus.valid_until >= day),
        )
        .order_by(CrossingStatus.seq)
    ).scalars()
    found: dict[uuid.UUID, CrossingStatus] = {}
    for row in rows:
        found[row.crossing_id] = row  # ascending seq: the last one wins
    return found


def team_unavailable_days(session: Session, team_id: uuid.UUID, first: date, last: date) -> list[date]:
    """The days in [first, last] on which the team's calendar says it is not available."""
    entries = (
        session.execute(
            select(EscortAvailability)
            .where(
                EscortAvailability.team_id == team_id,
                EscortAvailability.starts_on <= last,
                EscortAvailability.ends_on >= first,
            )
            .order_by(EscortAvailability.seq)
        )
        .scalars()
        .all()
    )
    unavailable = []
    day = first
    while day <= last:
        decided = [e for e in entries if e.starts_on <= day <= e.ends_on]
        if decided and not decided[-1].available:
            unavailable.append(day)
        day += timedelta(days=1)
    return unavailable
