"""Transit hubs, border crossings and crossing operating statuses: validated, audited changes.

A crossing's status is a time series: coordinators and admins add dated entries; an entry is never edited or
deleted (a correction is a newer entry), so what the scheduler believed on any day stays reconstructible. Adding a
`closed` or `restricted` entry flags every scheduled handover routed through the crossing in that range.

Hubs, crossings, points and teams are versioned: an edit or a delete locks the row and needs its current ETag in
`If-Match` (`app.concurrency`; 428 without, 412 when stale, nothing changed). Status and availability entries are
append-only, so adding one needs no If-Match and does not move the record's version.
"""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.audit.service import diff
from app.concurrency import require_version
from app.errors import Conflict, NotFound, Unprocessable
from app.handovers.models import Handover, HandoverSchedule
from app.reference.flows import flag_for_crossing
from app.reference.models import (
    BorderCrossing,
    CrossingState,
    CrossingStatus,
    EscortTeam,
    HandoverPoint,
    PointCrossing,
    TransitHub,
)
from app.reference.schemas import (
    CrossingCreate,
    CrossingOut,
    CrossingStatusCreate,
    CrossingUpdate,
    HubCreate,
    HubUpdate,
)
from app.reference.timeline import crossing_statuses_on

HUB_FIELDS = ("code", "name_ru", "name_uk", "name_en", "country", "time_zone")
CROSSING_FIELDS = (
    "code",
    "hub_id",
    "name_ru",
    "name_uk",
    "name_en",
    "name_pl",
    "taxi_minutes",
    "clearance_minutes",
    "opens_at",
    "closes_at",
    "time_zone",
    "notes",
)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes, times of day as `HH:MM:SS` text (the audit trail stores JSON)."""
    values = {name: getattr(obj, name) for name in fields}
    return {name: v.isoformat() if isinstance(v, time) else v for name, v in values.items()}


Record = TypeVar("Record", TransitHub, BorderCrossing, HandoverPoint, EscortTeam)
NOUNS: dict[type[Any], str] = {
    TransitHub: "this transit hub",
    BorderCrossing: "this border crossing",
    HandoverPoint: "this handover point",
    EscortTeam: "this escort team",
}


def locked_for_change(session: Session, model: type[Record], key: uuid.UUID, if_match: str | None) -> Record:
    """The record, locked (`FOR UPDATE`), provided `if_match` names its current version; 404 when there is none."""
    found = session.execute(
        select(model).where(model.id == key).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"No such {NOUNS[model].removeprefix('this ')}.")
    require_version(found, if_match, noun=NOUNS[model])
    return found


def _code_taken(session: Session, model: Any, code: str) -> None:
    if session.execute(select(model.id).where(model.code == code)).first() is not None:
        raise Conflict("This code is already in use.", errors=[{"pointer": "#/code", "detail": "already in use"}])


# transit hubs


def list_hubs(session: Session) -> list[TransitHub]:
    return list(session.execute(select(TransitHub).order_by(TransitHub.code)).scalars())


def get_hub(session: Session, hub_id: uuid.UUID) -> TransitHub:
    hub = session.get(TransitHub, hub_id)
    if hub is None:
        raise NotFound("No such transit hub.")
    return hub


def create_hub(session: Session, *, actor: Actor, data: HubCreate) -> TransitHub:
    _code_taken(session, TransitHub, data.code)
    hub = TransitHub(**data.model_dump())
    session.add(hub)
    session.flush()
    record(
        session,
        actor=actor,
        action="reference.hub_created",
        target_type="transit_hub",
        target_id=hub.id,
        changes=diff(session, {}, snapshot(hub, HUB_FIELDS)),
    )
    return hub


def update_hub(
    session: Session, *, actor: Actor, hub_id: uuid.UUID, data: HubUpdate, if_match: str | None
) -> TransitHub:
    hub = locked_for_change(session, TransitHub, hub_id, if_match)
    before = snapshot(hub, HUB_FIELDS)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(hub, name, value)
    session.flush()
    changes = diff(session, before, snapshot(hub, HUB_FIELDS))
    if changes:
        record(
            session,
            actor=actor,
            action="reference.hub_updated",
            target_type="transit_hub",
            target_id=hub.id,
            changes=changes,
        )
    return hub


def delete_hub(session: Session, *, actor: Actor, hub_id: uuid.UUID, if_match: str | None) -> None:
    hub = locked_for_change(session, TransitHub, hub_id, if_match)
    if session.execute(select(BorderCrossing.id).where(BorderCrossing.hub_id == hub.id).limit(1)).first():
        raise Conflict("Crossings are served from this hub; move or delete them first.")
    if session.execute(select(HandoverSchedule.id).where(HandoverSchedule.hub_id == hub.id).limit(1)).first():
        raise Conflict("Handovers were planned through this hub; it stays for their history.")
    before = snapshot(hub, HUB_FIELDS)
    session.delete(hub)
    session.flush()
    record(
        session,
        actor=actor,
        action="reference.hub_deleted",
        target_type="transit_hub",
        target_id=hub_id,
        changes=diff(session, before, {}),
    )


# border crossings


def crossing_out(crossing: BorderCrossing, hub: TransitHub, status: CrossingStatus | None) -> CrossingOut:
    return CrossingOut(
        **{name: getattr(crossing, name) for name in CROSSING_FIELDS},
        id=crossing.id,
        hub_code=hub.code,
        status_today=status.state if status else None,
        status_note=status.note if status else None,
        created_at=crossing.created_at,
        updated_at=crossing.updated_at,
        version=crossing.version,
    )


def list_crossings(session: Session, *, today: date, hub_id: uuid.UUID | None = None) -> list[CrossingOut]:
    query = select(BorderCrossing, TransitHub).join(TransitHub, TransitHub.id == BorderCrossing.hub_id)
    if hub_id is not None:
        query = query.where(BorderCrossing.hub_id == hub_id)
    rows = session.execute(query.order_by(TransitHub.code, BorderCrossing.code)).all()
    statuses = crossing_statuses_on(session, [c.id for c, _ in rows], today)
    return [crossing_out(c, h, statuses.get(c.id)) for c, h in rows]


def get_crossing(session: Session, crossing_id: uuid.UUID) -> BorderCrossing:
    crossing = session.get(BorderCrossing, crossing_id)
    if crossing is None:
        raise NotFound("No such border crossing.")
    return crossing


def read_crossing(session: Session, *, crossing_id: uuid.UUID, today: date) -> CrossingOut:
    crossing = get_crossing(session, crossing_id)
    status = crossing_statuses_on(session, [crossing.id], today).get(crossing.id)
    return crossing_out(crossing, get_hub(session, crossing.hub_id), status)


def _known_hub(session: Session, hub_id: uuid.UUID) -> TransitHub:
    hub = session.get(TransitHub, hub_id)
    if hub is None:
        raise Unprocessable.field("#/hub_id", "No such transit hub.")
    return hub


def create_crossing(session: Session, *, actor: Actor, data: CrossingCreate) -> CrossingOut:
    _code_taken(session, BorderCrossing, data.code)
    hub = _known_hub(session, data.hub_id)
    crossing = BorderCrossing(**data.model_dump())
    session.add(crossing)
    session.flush()
    record(
        session,
        actor=actor,
        action="reference.crossing_created",
        target_type="border_crossing",
        target_id=crossing.id,
        changes=diff(session, {}, snapshot(crossing, CROSSING_FIELDS)),
    )
    return crossing_out(crossing, hub, None)


def update_crossing(
    session: Session,
    *,
    actor: Actor,
    crossing_id: uuid.UUID,
    data: CrossingUpdate,
    today: date,
    if_match: str | None,
) -> CrossingOut:
    crossing = locked_for_change(session, BorderCrossing, crossing_id, if_match)
    before = snapshot(crossing, CROSSING_FIELDS)
    values = data.model_dump(exclude_unset=True)
    if values.pop("open_around_the_clock", None):
        crossing.opens_at, crossing.closes_at = None, None
    if values.get("hub_id") is not None:
        _known_hub(session, values["hub_id"])
    for name, value in values.items():
        if value is not None:
            setattr(crossing, name, value)
    session.flush()
    changes = diff(session, before, snapshot(crossing, CROSSING_FIELDS))
    if changes:
        record(
            session,
            actor=actor,
            action="reference.crossing_updated",
            target_type="border_crossing",
            target_id=crossing.id,
            changes=changes,
        )
    return read_crossing(session, crossing_id=crossing.id, today=today)


def delete_crossing(session: Session, *, actor: Actor, crossing_id: uuid.UUID, if_match: str | None) -> None:
    crossing = locked_for_change(session, BorderCrossing, crossing_id, if_match)
    if session.execute(select(PointCrossing.point_id).where(PointCrossing.crossing_id == crossing.id)).first():
        raise Conflict("Handover points are reached through this crossing; remove it from them first.")
    used = select(Handover.id).where(Handover.crossing_id == crossing.id).limit(1)
    planned = select(HandoverSchedule.id).where(HandoverSchedule.crossing_id == crossing.id).limit(1)
    if session.execute(used).first() or session.execute(planned).first():
        raise Conflict("Handovers were planned through this crossing; it stays for their history.")
    before = snapshot(crossing, CROSSING_FIELDS)
    for status in session.execute(select(CrossingStatus).where(CrossingStatus.crossing_id == crossing.id)).scalars():
        session.delete(status)
    session.delete(crossing)
    session.flush()
    record(
        session,
        actor=actor,
        action="reference.crossing_deleted",
        target_type="border_crossing",
        target_id=crossing_id,
        changes=diff(session, before, {}),
    )


# operating status


def list_statuses(session: Session, crossing_id: uuid.UUID) -> list[CrossingStatus]:
    get_crossing(session, crossing_id)
    return list(
        session.execute(
            select(CrossingStatus).where(CrossingStatus.crossing_id == crossing_id).order_by(CrossingStatus.seq.desc())
        ).scalars()
    )


def add_status(
    session: Session, *, actor: Actor, crossing_id: uuid.UUID, data: CrossingStatusCreate
) -> tuple[CrossingStatus, list[uuid.UUID]]:
    """Record a status entry; a closure or restriction flags the scheduled handovers in its range.

    The crossing row is locked first: a scheduler holding it (FOR SHARE) finishes before we flag, so its booking
    is flagged; one starting after us sees the new status and refuses.
    """
    crossing = session.execute(
        select(BorderCrossing).where(BorderCrossing.id == crossing_id).with_for_update()
    ).scalar_one_or_none()
    if crossing is None:
        raise NotFound("No such border crossing.")
    entry = CrossingStatus(
        crossing_id=crossing.id,
        state=data.state.value,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        note=data.note,
        source=data.source,
        recorded_by=actor.id,
    )
    session.add(entry)
    session.flush()
    affected: list[uuid.UUID] = []
    if data.state is not CrossingState.OPEN:
        until = data.valid_until.isoformat() if data.valid_until else "further notice"
        reason = (
            f"Crossing {crossing.name_en} / {crossing.name_pl} {data.state.value} from {data.valid_from} to {until}"
        )
        if data.note:
            reason += f": {data.note}"
        affected = flag_for_crossing(
            session,
            actor=actor,
            crossing_id=crossing.id,
            first=data.valid_from,
            last=data.valid_until,
            reason=reason,
        )
    record(
        session,
        actor=actor,
        action="reference.crossing_status_added",
        target_type="border_crossing",
        target_id=crossing.id,
        details={
            "seq": entry.seq,
            "state": entry.state,
            "valid_from": entry.valid_from,
            "valid_until": entry.valid_until,
            "note": entry.note,
            "source": entry.source,
            "affected_handovers": [str(h) for h in affected],
        },
    )
    return entry, affected
