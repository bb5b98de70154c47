"""Handover points: the crossings that lead to them, escort times, daily capacity, active flag.

Taking a point out of service flags the handovers scheduled there from today on. Lowering the daily capacity
below the bookings a day already has is accepted (the capacity is a fact about the point, and refusing it would
keep booking new families into a point that cannot take them), keeps those bookings, and flags every open
handover on each such day from today on, with a reason naming the day, the bookings and the new capacity: the
coordinator decides which to move, as after a crossing closure. New bookings are refused at once.

Edits and deletes need the point's ETag (`If-Match`, see `app.reference.service.locked_for_change`). The point is
locked `FOR UPDATE` first: a scheduler holds it `FOR SHARE` while it books, so a capacity cut either sees every
booking made before it or is seen by every booking made after it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.audit.service import diff
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.handovers.models import ROUTED_OPEN_STATES, SLOT_STATES, Handover, HandoverSchedule
from app.reference.flows import flag_for_point, flag_for_point_day
from app.reference.models import BorderCrossing, HandoverPoint, PointCrossing, PointDay
from app.reference.schemas import PointCreate, PointCrossingIn, PointCrossingOut, PointOut, PointUpdate
from app.reference.service import locked_for_change, snapshot

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


def _links_differ(session: Session, point: HandoverPoint, links: list[PointCrossingIn]) -> bool:
    current = {(link.crossing_id, link.escort_minutes) for link, _ in _links(session, point.id)}
    return current != {(link.crossing_id, link.escort_minutes) for link in links}


def update_point(
    session: Session, *, actor: Actor, point_id: uuid.UUID, data: PointUpdate, today: date, if_match: str | None
) -> tuple[PointOut, list[uuid.UUID]]:
    """Apply changes; deactivating the point or cutting its capacity flags handovers, which are returned."""
    point = locked_for_change(session, HandoverPoint, point_id, if_match)
    before = _full_snapshot(session, point)
    if data.crossings is not None and _links_differ(session, point, data.crossings):
        point.updated_at = utcnow()  # the links are part of the point: its version must move with them
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
    elif point.daily_capacity < before["daily_capacity"]:
        affected = _flag_over_capacity(session, actor=actor, point=point, today=today)
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


def over_capacity_days(session: Session, point: HandoverPoint, today: date) -> dict[date, int]:
    """The days from `today` on with more bookings at `point` than its daily capacity, and their bookings."""
    rows = session.execute(
        select(Handover.travel_date, func.count())
        .where(
            Handover.point_id == point.id,
            Handover.state.in_([s.value for s in SLOT_STATES]),
            Handover.travel_date >= today,
        )
        .group_by(Handover.travel_date)
        .having(func.count() > point.daily_capacity)
        .order_by(Handover.travel_date)
    ).all()
    return {day: int(booked) for day, booked in rows if day is not None}


def _flag_over_capacity(session: Session, *, actor: Actor, point: HandoverPoint, today: date) -> list[uuid.UUID]:
    affected: list[uuid.UUID] = []
    for day, booked in over_capacity_days(session, point, today).items():
        excess = booked - point.daily_capacity
        bookings, move = ("1 handover is", "move it") if booked == 1 else (f"{booked} handovers are", f"move {excess}")
        reason = (
            f"Handover point {point.name}: daily capacity lowered to {point.daily_capacity}, but {bookings} booked "
            f"on {day}; {move} or raise the capacity again"
        )
        affected += flag_for_point_day(session, actor=actor, point_id=point.id, day=day, reason=reason)
    return affected


def set_capacity(
    session: Session, *, actor: Actor, point_id: uuid.UUID, daily_capacity: int, today: date, if_match: str | None
) -> tuple[PointOut, list[uuid.UUID]]:
    """Coordinators adjust a point's daily capacity (REFERENCE_STATUS_EDIT); existing bookings stay.

    A cut below a day's bookings (from `today` on) flags that day's open handovers; they are returned.
    """
    point = locked_for_change(session, HandoverPoint, point_id, if_match)
    before = point.daily_capacity
    point.daily_capacity = daily_capacity
    session.flush()
    affected: list[uuid.UUID] = []
    if daily_capacity < before:
        affected = _flag_over_capacity(session, actor=actor, point=point, today=today)
    if before != daily_capacity:
        record(
            session,
            actor=actor,
            action="reference.point_capacity_changed",
            target_type="handover_point",
            target_id=point.id,
            changes={"daily_capacity": {"old": before, "new": daily_capacity}},
            details={"affected_handovers": [str(h) for h in affected]},
        )
    return point_out(session, point), affected


def delete_point(session: Session, *, actor: Actor, point_id: uuid.UUID, if_match: str | None) -> None:
    point = locked_for_change(session, HandoverPoint, point_id, if_match)
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
