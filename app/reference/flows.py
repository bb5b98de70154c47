"""Flagging scheduled handovers that a reference-data change affects: the one module through which reference-data
changes reach the handover domain. Changing reference data (this module, the services and the router) sits above
the handover domain; reading it (`models`, `timeline`, `schemas`, `clock`) sits below, since handovers read it.

Callers lock the reference row first (the crossing, team or point), then these queries lock the handovers
(`FOR UPDATE`) before their cases (also `FOR UPDATE`, read afresh): the same order scheduling uses, so the two
cannot deadlock, and a case changed concurrently is updated on its latest version rather than failing.

A crossing closed (or restricted) for a date range, an escort team marked unavailable, a handover point taken out
of service or its capacity cut below a day's bookings: each flags exactly the open, routed handovers it touches, so
a coordinator looks at them again. The case is marked for review too, and the flag is on its timeline. Nothing is
rescheduled automatically. Flagging changes the handover, so its version (ETag) moves: a coordinator holding the
old ETag gets 412 and sees the flag on reloading.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.cases.models import Case
from app.cases.workflow import add_event
from app.db import utcnow
from app.handovers import family_plan
from app.handovers.models import ROUTED_OPEN_STATES, Handover

_ROUTED = [s.value for s in ROUTED_OPEN_STATES]


def _flag(
    session: Session, *, actor: Actor, handovers: list[Handover], reason: str, source: dict[str, str]
) -> list[uuid.UUID]:
    now = utcnow()
    for handover in handovers:
        handover.needs_attention = True
        handover.attention_reason = reason
        handover.flagged_at = now
        case = session.execute(
            select(Case).where(Case.id == handover.case_id).with_for_update().execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if case is not None:
            case.needs_review = True
            case.review_reason = reason[:200]
            add_event(
                session,
                case,
                actor=actor,
                kind="handover_flagged",
                reason=reason,
                details={"handover_id": str(handover.id), **source},
            )
        record(
            session,
            actor=actor,
            action="handover.flagged",
            target_type="handover",
            target_id=handover.id,
            details={"reason": reason, **source},
        )
        family_plan.after_change(session, handover, actor=actor)
    session.flush()
    return [h.id for h in handovers]


def flag_for_crossing(
    session: Session, *, actor: Actor, crossing_id: uuid.UUID, first: date, last: date | None, reason: str
) -> list[uuid.UUID]:
    """Flag the open handovers routed through `crossing_id` with a travel date in [first, last] (open-ended)."""
    query = select(Handover).where(
        Handover.crossing_id == crossing_id, Handover.state.in_(_ROUTED), Handover.travel_date >= first
    )
    if last is not None:
        query = query.where(Handover.travel_date <= last)
    handovers = list(session.execute(query.order_by(Handover.travel_date, Handover.id).with_for_update()).scalars())
    return _flag(session, actor=actor, handovers=handovers, reason=reason, source={"crossing_id": str(crossing_id)})


def flag_for_team(
    session: Session, *, actor: Actor, team_id: uuid.UUID, days: Collection[date], reason: str
) -> list[uuid.UUID]:
    """Flag the open handovers the team escorts on any of `days`."""
    if not days:
        return []
    handovers = list(
        session.execute(
            select(Handover)
            .where(
                Handover.escort_team_id == team_id,
                Handover.state.in_(_ROUTED),
                Handover.travel_date.in_(sorted(days)),
            )
            .order_by(Handover.travel_date, Handover.id)
            .with_for_update()
        ).scalars()
    )
    return _flag(session, actor=actor, handovers=handovers, reason=reason, source={"escort_team_id": str(team_id)})


def flag_for_point(session: Session, *, actor: Actor, point_id: uuid.UUID, since: date, reason: str) -> list[uuid.UUID]:
    """Flag the open handovers at `point_id` from `since` on (the point was taken out of service)."""
    handovers = list(
        session.execute(
            select(Handover)
            .where(Handover.point_id == point_id, Handover.state.in_(_ROUTED), Handover.travel_date >= since)
            .order_by(Handover.travel_date, Handover.id)
            .with_for_update()
        ).scalars()
    )
    return _flag(session, actor=actor, handovers=handovers, reason=reason, source={"point_id": str(point_id)})


def flag_for_point_day(
    session: Session, *, actor: Actor, point_id: uuid.UUID, day: date, reason: str
) -> list[uuid.UUID]:
    """Flag the open handovers at `point_id` on `day` (the point's capacity was cut below that day's bookings)."""
    handovers = list(
        session.execute(
            select(Handover)
            .where(Handover.point_id == point_id, Handover.state.in_(_ROUTED), Handover.travel_date == day)
            .order_by(Handover.id)
            .with_for_update()
        ).scalars()
    )
    return _flag(
        session,
        actor=actor,
        handovers=handovers,
        reason=reason,
        source={"point_id": str(point_id), "date": day.isoformat()},
    )


def flag_for_team_from(
    session: Session, *, actor: Actor, team_id: uuid.UUID, since: date, reason: str
) -> list[uuid.UUID]:
    """Flag the open handovers the team escorts from `since` on (the team was deactivated)."""
    handovers = list(
        session.execute(
            select(Handover)
            .where(Handover.escort_team_id == team_id, Handover.state.in_(_ROUTED), Handover.travel_date >= since)
            .order_by(Handover.travel_date, Handover.id)
            .with_for_update()
        ).scalars()
    )
    return _flag(session, actor=actor, handovers=handovers, reason=reason, source={"escort_team_id": str(team_id)})
