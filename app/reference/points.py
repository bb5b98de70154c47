"""Handover points: the crossings that lead to them, escort times, daily capacity, active flag.

Taking a point out of service flags the handovers scheduled there from today on. Lowering the capacity below the
bookings a day already has keeps those bookings (they were valid when made) and refuses new ones.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.audit.service import diff
from app.errors import Conflict, NotFound, Unprocessable
from app.handovers.flags import flag_for_point
from app.handovers.models import ROUTED_OPEN_STATES, Handover, HandoverSchedule
from app.reference.models import BorderCrossing, HandoverPoint, PointCrossing, PointDay
from app.reference.schemas import PointCreate, PointCrossingIn, PointCrossingOut, PointOut, PointUpdate
from app.reference.service import snapshot

POINT_FIELDS = ("code", "name", "description", "time_zone", "daily_capacity", "duty_phone", "is_active", "is_demo")


def _links(session: Session, point_id: uuid.UUID) -> list[tuple[PointCrossing, BorderCrossing]]:
    rows = session.execute(
        select(PointCrossing, BorderCrossing)
        .join(BorderCrossing, BorderCrossing.id == PointCrossing.crossing_id)
        .where(PointCrossing.point_id == point_id)
        .order_by(BorderCrossing.code)
    ).all()
    return [(link, crossing) for link, crossing in rows]


def _full_snapshot(session: Session, point: HandoverPoint) -> dict[str, Any]:
    values = snapshot(point, POINT_FIELDS)
    values["crossings"] = {c.code: link.escort_minutes for link, c in _links(session, point.id)}
    return values


def point_out(session: Session, point: HandoverPoint) -> PointOut:
    return PointOut(
        **snapshot(point, POINT_FIELDS),
        id=point.id,
        crossings=[
            PointCrossingOut(crossing_id=c.id, crossing_code=c.code, escort_minutes=link.escort_minutes)
            for link, c in _links(session, point.id)
        ],
        created_at=point.created_at,
        updated_at=point.updated_at,
        version=point.version,
    )


def list_points(session: Session, *, active: bool | None = None) -> list[PointOut]:
    query = select(HandoverPoint)
    if active is not None:
        query = query.where(HandoverPoint.is_active.is_(active))
    return [point_out(session, p) for p in session.execute(query.order_by(HandoverPoint.code)).scalars()]


def get_point(session: Session, point_id: uuid.UUID) -> HandoverPoint:
    point = session.get(HandoverPoint, point_id)
    if point is None:
        raise NotFound("No such handover point.")
    return point


def _set_links(session: Session, point: HandoverPoint, links: list[PointCrossingIn]) -> None:
    ids = [link.crossing_id for link in links]
    if len(set(ids)) != len(ids):
        raise Unprocessable.field("#/crossings", "Each crossing may be listed once.")
    known = set(session.execute(select(BorderCrossing.id).where(BorderCrossing.id.in_(ids))).scalars())
    for index, link in enumerate(links):
        if link.crossing_id not in known:
            raise Unprocessable.field(f"#/crossings/{index}/crossing_id", "No such border crossing.")
    removed = {existing.crossing_id for existing, _ in _links(session, point.id)} - set(ids)
    if removed:
        in_use = session.execute(
            select(Handover.id)
            .where(
                Handover.point_id == point.id,
                Handover.crossing_id.in_(removed),
                Handover.state.in_([s.value for s in ROUTED_OPEN_STATES]),
            )
            .limit(1)
        ).first()
        if in_use is not None:
            raise Conflict(
                "Handovers are scheduled through a crossing you are removing from this point; reschedule them first.",
                errors=[{"pointer": "#/crossings", "detail": "in use by a scheduled handover"}],
            )
    for existing, _ in _links(session, point.id):
        session.delete(existing)
    session.flush()
    for link in links:
        session.add(PointCrossing(point_id=point.id, crossing_id=link.crossing_id, escort_minutes=link.escort_minutes))
    session.flush()


def create_point(session: Session, *, actor: Actor, data: PointCreate) -> PointOut:
    if session.execute(select(HandoverPoint.id).where(HandoverPoint.code == data.code)).first():
        raise Conflict("This code is already in use.", errors=[{"pointer": "#/code", "detail": "already in use"}])
    point = HandoverPoint(**data.model_dump(exclude={"crossings"}))
    session.add(point)
    session.flush()
    _set_links(session, point, data.crossings)
    record(
        session,
        actor=actor,
        action="reference.point_created",
        target_type="handover_point",
        target_id=point.id,
        changes=diff(session, {}, _full_snapshot(session, point)),
    )
    return point_out(session, point)


def update_point(
    session: Session, *, actor: Actor, point_id: uuid.UUID, data: PointUpdate, today: date
) -> tuple[PointOut, list[uuid.UUID]]:
    """Apply changes; deactivating flags the point's handovers from `today` on, which are returned."""
    point = get_point(session, point_id)
    before = _full_snapshot(session, point)
    values = data.model_dump(exclude_unset=True, exclude={"crossings"})
    for name, value in values.items():
        if value is not None:
            setattr(point, name, value)
    if data.crossings is not None:
        _set_links(session, point, data.crossings)
    session.flush()
    after = _full_snapshot(session, point)
    changes = diff(session, before, after)
    affected: list[uuid.UUID] = []
    if before["is_active"] and not point.is_active:
        affected = flag_for_point(
            session,
            actor=actor,
            point_id=point.id,
            since=today,
            reason=f"Handover point {point.name} taken out of service",
        )
    if changes:
        record(
            session,
            actor=actor,
            action="reference.point_updated",
            target_type="handover_point",
            target_id=point.id,
            changes=changes,
            details={"affected_handovers": [str(h) for h in affected]},
        )
    return point_out(session, point), affected


def set_capacity(session: Session, *, actor: Actor, point_id: uuid.UUID, daily_capacity: int) -> PointOut:
    """Coordinators adjust a point's daily capacity (REFERENCE_STATUS_EDIT); existing bookings stay."""
    point = get_point(session, point_id)
    before = point.daily_capacity
    point.daily_capacity = daily_capacity
    session.flush()
    if before != daily_capacity:
        record(
            session,
            actor=actor,
            action="reference.point_capacity_changed",
            target_type="handover_point",
            target_id=point.id,
            changes={"daily_capacity": {"old": before, "new": daily_capacity}},
        )
    return point_out(session, point)


def delete_point(session: Session, *, actor: Actor, point_id: uuid.UUID) -> None:
    point = get_point(session, point_id)
    used = select(Handover.id).where(Handover.point_id == point.id).limit(1)
    planned = select(HandoverSchedule.id).where(HandoverSchedule.point_id == point.id).limit(1)
    if session.execute(used).first() or session.execute(planned).first():
        raise Conflict("Handovers were planned at this point; deactivate it instead.")
    before = _full_snapshot(session, point)
    for link, _ in _links(session, point.id):
        session.delete(link)
    for day in session.execute(select(PointDay).where(PointDay.point_id == point.id)).scalars():
        session.delete(day)
    session.delete(point)
    session.flush()
    record(
        session,
        actor=actor,
        action="reference.point_deleted",
        target_type="handover_point",
        target_id=point_id,
        changes=diff(session, before, {}),
    )
