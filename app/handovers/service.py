"""Handovers: request, read, list, edit, travellers. Scheduling and the life cycle live in their own modules.

A case has at most one open handover. Travellers' identity documents are written and read only by principals
holding HANDOVER_TRAVELLER_DOCUMENTS, and every read that returns them is audited.

Every change to a handover (here, in `scheduling` and in `lifecycle`) goes through `load_for_change`: the row is
locked and the caller's `If-Match` must name its current version (`app.concurrency`), else 428/412 and nothing is
written. Travellers are part of the handover: changing one needs the handover's ETag and moves it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record
from app.audit.service import diff
from app.auth.principals import StaffPrincipal
from app.cases.models import Case
from app.cases.workflow import add_event
from app.concurrency import require_version
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.handovers.documents import require_documents, sees_documents
from app.handovers.models import OPEN_STATES, Handover, HandoverSchedule, HandoverState, HandoverType, Traveller
from app.handovers.policies import check_eligible
from app.handovers.schemas import (
    CrossingRef,
    HandoverCreate,
    HandoverOut,
    HandoverSummaryOut,
    HandoverUpdate,
    HandoverWithDocumentsOut,
    Ref,
    ScheduleOut,
    TravellerIn,
    TravellerOut,
    TravellerUpdate,
    TravellerWithDocumentsOut,
)
from app.reference.models import BorderCrossing, EscortTeam, HandoverPoint, TransitHub

_OPEN = [s.value for s in OPEN_STATES]
HANDOVER_FIELDS = ("contact_phone", "documents_note", "notes")


def traveller_snapshot(traveller: Traveller) -> dict[str, Any]:
    return {
        "traveller_name": traveller.full_name,
        "relationship": traveller.relationship,
        "phone": traveller.phone,
        "document_type": traveller.document_type,
        "document_number": traveller.document_number,
        "document_expires_on": traveller.document_expires_on,
    }


def load(session: Session, handover_id: uuid.UUID, *, for_update: bool = False) -> Handover:
    query = select(Handover).where(Handover.id == handover_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    handover = session.execute(query).scalar_one_or_none()
    if handover is None:
        raise NotFound("No such handover.")
    return handover


def load_for_change(session: Session, handover_id: uuid.UUID, if_match: str | None) -> Handover:
    """The handover, locked, provided `if_match` names its current version (428 without, 412 when stale)."""
    handover = load(session, handover_id, for_update=True)
    require_version(handover, if_match, noun="this handover")
    return handover


def load_case(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise NotFound("No such case.")
    return case


def create_handover(session: Session, *, principal: StaffPrincipal, data: HandoverCreate) -> Handover:
    """Request a handover for a case whose outcome allows it; the case timeline records the request."""
    case = load_case(session, data.case_id, for_update=True)
    check_eligible(case, data.type, data.agreed_release_reference)
    open_one = session.execute(
        select(Handover.id).where(Handover.case_id == case.id, Handover.state.in_(_OPEN)).limit(1)
    ).scalar_one_or_none()
    if open_one is not None:
        raise Conflict(
            "This case already has an open handover; cancel it before requesting another.",
            handover_id=str(open_one),
        )
    require_documents(principal, any(t.has_documents for t in data.travellers))
    handover = Handover(
        case_id=case.id,
        type=data.type.value,
        state=HandoverState.REQUESTED.value,
        agreed_release_reference=data.agreed_release_reference,
        contact_phone=data.contact_phone,
        documents_note=data.documents_note,
        notes=data.notes,
        requested_by_id=principal.user_id,
    )
    session.add(handover)
    session.flush()
    for traveller in data.travellers:
        session.add(Traveller(handover_id=handover.id, **traveller.model_dump(mode="python")))
    session.flush()
    add_event(
        session,
        case,
        actor=principal.actor,
        kind="handover_requested",
        details={"handover_id": str(handover.id), "type": handover.type},
    )
    record(
        session,
        actor=principal.actor,
        action="handover.requested",
        target_type="handover",
        target_id=handover.id,
        details={
            "case_id": case.id,
            "type": handover.type,
            "travellers": len(data.travellers),
            "agreed_release_reference": data.agreed_release_reference,
            "contact_phone": data.contact_phone,
        },
    )
    return handover


def update_handover(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, data: HandoverUpdate, if_match: str | None
) -> Handover:
    handover = load_for_change(session, handover_id, if_match)
    _require_open(handover)
    before = {name: getattr(handover, name) for name in HANDOVER_FIELDS}
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(handover, name, value)
    session.flush()
    changes = diff(session, before, {name: getattr(handover, name) for name in HANDOVER_FIELDS})
    if changes:
        record(
            session,
            actor=principal.actor,
            action="handover.updated",
            target_type="handover",
            target_id=handover.id,
            changes=changes,
        )
    return handover


def _require_open(handover: Handover) -> None:
    if handover.state not in _OPEN:
        raise Conflict(f"The handover is {handover.state}; it can no longer be changed.", current_state=handover.state)


# travellers


def _touch(handover: Handover) -> None:
    """Mark the handover changed when only its travellers changed, so its version (the ETag) moves."""
    handover.updated_at = utcnow()


def add_traveller(
    session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID, data: TravellerIn, if_match: str | None
) -> tuple[Handover, Traveller]:
    handover = load_for_change(session, handover_id, if_match)
    _require_open(handover)
    require_documents(principal, data.has_documents)
    count = session.execute(select(func.count()).where(Traveller.handover_id == handover.id)).scalar_one()
    if count >= 10:
        raise Conflict("A handover has at most 10 travellers.")
    traveller = Traveller(handover_id=handover.id, **data.model_dump(mode="python"))
    session.add(traveller)
    _touch(handover)
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="handover.traveller_added",
        target_type="handover",
        target_id=handover.id,
        changes=diff(session, {}, traveller_snapshot(traveller)),
        details={"traveller_id": traveller.id},
    )
    return handover, traveller


def _traveller(session: Session, handover: Handover, traveller_id: uuid.UUID) -> Traveller:
    traveller = session.get(Traveller, traveller_id)
    if traveller is None or traveller.handover_id != handover.id:
        raise NotFound("No such traveller on this handover.")
    return traveller


def update_traveller(
    session: Session,
    *,
    principal: StaffPrincipal,
    handover_id: uuid.UUID,
    traveller_id: uuid.UUID,
    data: TravellerUpdate,
    if_match: str | None,
) -> tuple[Handover, Traveller]:
    handover = load_for_change(session, handover_id, if_match)
    _require_open(handover)
    require_documents(principal, data.has_documents)
    traveller = _traveller(session, handover, traveller_id)
    before = traveller_snapshot(traveller)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None and name in ("full_name", "relationship"):
            continue
        setattr(traveller, name, value)
    changes = diff(session, before, traveller_snapshot(traveller))
    if changes:
        _touch(handover)
    session.flush()
    if changes:
        record(
            session,
            actor=principal.actor,
            action="handover.traveller_updated",
            target_type="handover",
            target_id=handover.id,
            changes=changes,
            details={"traveller_id": traveller.id},
        )
    return handover, traveller


def remove_traveller(
    session: Session,
    *,
    principal: StaffPrincipal,
    handover_id: uuid.UUID,
    traveller_id: uuid.UUID,
    if_match: str | None,
) -> Handover:
    handover = load_for_change(session, handover_id, if_match)
    _require_open(handover)
    traveller = _traveller(session, handover, traveller_id)
    before = traveller_snapshot(traveller)
    session.delete(traveller)
    _touch(handover)
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="handover.traveller_removed",
        target_type="handover",
        target_id=handover.id,
        changes=diff(session, before, {}),
        details={"traveller_id": traveller_id},
    )
    return handover


def travellers_of(session: Session, handover_id: uuid.UUID) -> list[Traveller]:
    return list(
        session.execute(
            select(Traveller).where(Traveller.handover_id == handover_id).order_by(Traveller.created_at, Traveller.id)
        ).scalars()
    )


# reading


def _ref(obj: Any, name: str) -> Ref:
    return Ref(id=obj.id, code=obj.code, name=name)


def schedule_out(session: Session, entry: HandoverSchedule) -> ScheduleOut:
    hub = session.get_one(TransitHub, entry.hub_id)
    crossing = session.get_one(BorderCrossing, entry.crossing_id)
    point = session.get_one(HandoverPoint, entry.point_id)
    team = session.get_one(EscortTeam, entry.escort_team_id)
    return ScheduleOut(
        revision=entry.revision,
        hub=_ref(hub, hub.name_en),
        crossing=CrossingRef(id=crossing.id, code=crossing.code, name=crossing.name_en, name_pl=crossing.name_pl),
        point=_ref(point, point.name),
        escort_team=_ref(team, team.name),
        travel_date=entry.travel_date,
        time_zone=point.time_zone,
        window_start=entry.window_starts_at,
        window_end=entry.window_ends_at,
        escort_meets_at=entry.escort_starts_at,
        reason=entry.reason,
        scheduled_by_id=entry.scheduled_by_id,
        scheduled_at=entry.scheduled_at,
        superseded_at=entry.superseded_at,
        superseded_reason=entry.superseded_reason,
    )


def current_schedule(session: Session, handover: Handover) -> HandoverSchedule | None:
    if handover.schedule_revision == 0:
        return None
    return session.execute(
        select(HandoverSchedule).where(
            HandoverSchedule.handover_id == handover.id, HandoverSchedule.revision == handover.schedule_revision
        )
    ).scalar_one_or_none()


def schedule_history(session: Session, handover_id: uuid.UUID) -> list[ScheduleOut]:
    load(session, handover_id)
    entries = session.execute(
        select(HandoverSchedule).where(HandoverSchedule.handover_id == handover_id).order_by(HandoverSchedule.revision)
    ).scalars()
    return [schedule_out(session, e) for e in entries]


def handover_out(session: Session, handover: Handover, *, with_documents: bool) -> HandoverOut:
    case = session.get_one(Case, handover.case_id)
    entry = current_schedule(session, handover)
    travellers = travellers_of(session, handover.id)
    values: dict[str, Any] = {
        name: getattr(handover, name)
        for name in (
            "id",
            "case_id",
            "type",
            "state",
            "agreed_release_reference",
            "contact_phone",
            "documents_note",
            "notes",
            "requested_by_id",
            "requested_at",
            "approved_by_id",
            "approved_at",
            "approval_note",
            "needs_attention",
            "attention_reason",
            "flagged_at",
            "closed_reason",
            "closed_at",
            "created_at",
            "updated_at",
            "version",
        )
    }
    values["case_reference"] = case.reference
    values["schedule"] = schedule_out(session, entry) if entry is not None else None
    if with_documents:
        values["travellers"] = [TravellerWithDocumentsOut.model_validate(t) for t in travellers]
        return HandoverWithDocumentsOut(**values)
    values["travellers"] = [TravellerOut.model_validate(t) for t in travellers]
    return HandoverOut(**values)


def audit_documents_read(session: Session, principal: StaffPrincipal, handover_id: uuid.UUID, purpose: str) -> None:
    """Record that identity documents of a handover's travellers were shown to `principal`."""
    record(
        session,
        actor=principal.actor,
        action="handover.traveller_documents_read",
        target_type="handover",
        target_id=handover_id,
        details={"purpose": purpose},
    )


def read_handover(session: Session, *, principal: StaffPrincipal, handover_id: uuid.UUID) -> HandoverOut:
    """The handover as `principal` may see it; documents (and an audit event) only for those allowed."""
    return present(session, principal=principal, handover=load(session, handover_id))


def present(session: Session, *, principal: StaffPrincipal, handover: Handover) -> HandoverOut:
    """`handover` shaped for `principal`: with identity documents (audited) only for those allowed to see them.

    Pending changes are flushed first, so the `version` shown (and the ETag built from it) is the one stored.
    """
    session.flush()
    with_documents = sees_documents(principal)
    out = handover_out(session, handover, with_documents=with_documents)
    if with_documents and any(
        t.document_number or t.document_type or t.document_expires_on for t in travellers_of(session, handover.id)
    ):
        audit_documents_read(session, principal, handover.id, "handover.read")
    return out


def list_handovers(
    session: Session,
    *,
    limit: int,
    offset: int,
    state: str | None = None,
    case_id: uuid.UUID | None = None,
    point_id: uuid.UUID | None = None,
    escort_team_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    needs_attention: bool | None = None,
    handover_type: HandoverType | None = None,
) -> tuple[list[HandoverSummaryOut], int]:
    query = select(Handover, Case.reference).join(Case, Case.id == Handover.case_id)
    if state is not None:
        query = query.where(Handover.state == state)
    if case_id is not None:
        query = query.where(Handover.case_id == case_id)
    if point_id is not None:
        query = query.where(Handover.point_id == point_id)
    if escort_team_id is not None:
        query = query.where(Handover.escort_team_id == escort_team_id)
    if date_from is not None:
        query = query.where(Handover.travel_date >= date_from)
    if date_to is not None:
        query = query.where(Handover.travel_date <= date_to)
    if needs_attention is not None:
        query = query.where(Handover.needs_attention.is_(needs_attention))
    if handover_type is not None:
        query = query.where(Handover.type == handover_type.value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(Handover.travel_date.is_(None), Handover.travel_date, Handover.requested_at, Handover.id)
        .limit(limit)
        .offset(offset)
    ).all()
    items = [
        HandoverSummaryOut(
            id=h.id,
            case_id=h.case_id,
            case_reference=reference,
            type=h.type,
            state=h.state,
            travel_date=h.travel_date,
            point_id=h.point_id,
            crossing_id=h.crossing_id,
            escort_team_id=h.escort_team_id,
            window_start=h.window_starts_at,
            window_end=h.window_ends_at,
            needs_attention=h.needs_attention,
            requested_at=h.requested_at,
            updated_at=h.updated_at,
        )
        for h, reference in rows
    ]
    return items, total
