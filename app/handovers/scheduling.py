"""Scheduling and rescheduling: every refusal names its reason and changes nothing.

Locks, always taken in this order so that no two writers can deadlock:
  1. the crossing (FOR SHARE) and the point (FOR SHARE): a concurrent closure or deactivation waits for us, or we
     see it and refuse; its flagging then sees our booking;
  2. the escort team (FOR UPDATE): two bookings of one team serialize, so overlapping windows cannot both pass;
  3. the handover (FOR UPDATE), then the case (FOR UPDATE);
  4. the point's day ledger row (`point_day`, FOR UPDATE): the last slot of a day goes to exactly one booking.
Reference-data writers (closures, unavailability, deactivation) lock their reference row before any handover.
On SQLite every transaction is BEGIN IMMEDIATE, so writers are serialized anyway and FOR UPDATE is not rendered.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.audit import record
from app.audit.service import diff
from app.auth.principals import StaffPrincipal
from app.cases.models import CaseState
from app.cases.workflow import add_event, transition
from app.db import is_postgresql, utcnow
from app.errors import Conflict, InvalidTransition, Unprocessable
from app.handovers import family_plan
from app.handovers.models import SLOT_STATES, Handover, HandoverSchedule, HandoverState, HandoverType, Traveller
from app.handovers.planning import booked_count, point_today, route_timing, status_problem
from app.handovers.policies import PLANNABLE_CASE_STATES, CaseWrongState, check_eligible
from app.handovers.schemas import ScheduleIn
from app.handovers.service import load_case, load_for_change
from app.reference.models import BorderCrossing, EscortTeam, HandoverPoint, PointCrossing, PointDay, TransitHub
from app.reference.timeline import crossing_status_on, team_unavailable_days

_SLOTS = [s.value for s in SLOT_STATES]
SCHEDULABLE = frozenset({HandoverState.REQUESTED, HandoverState.APPROVED})


class CrossingNotOpen(Conflict):
    code, title = "crossing-not-open", "The border crossing is not open on that date"


class PointInactive(Conflict):
    code, title = "handover-point-inactive", "The handover point is not in service"


class PointFull(Conflict):
    code, title = "handover-point-full", "The handover point is over its daily capacity"


class EscortTeamBooked(Conflict):
    code, title = "escort-team-booked", "The escort team is booked for an overlapping window"


class EscortTeamUnavailable(Conflict):
    code, title = "escort-team-unavailable", "The escort team is not available"


Locked = TypeVar("Locked", BorderCrossing, HandoverPoint, EscortTeam)


def _locked(session: Session, model: type[Locked], key: uuid.UUID, *, share: bool = False) -> Locked | None:
    query = select(model).where(model.id == key).with_for_update(read=share)
    return session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()


def release_slot(session: Session, point_id: uuid.UUID, day: date) -> None:
    """Recount a day's ledger after a booking left it (cancelled, failed, rescheduled elsewhere)."""
    ledger = _lock_day(session, point_id, day)
    ledger.booked = booked_count(session, point_id, day)


def _lock_day(session: Session, point_id: uuid.UUID, day: date) -> PointDay:
    """Create the point's ledger row for the day if missing, then lock it."""
    insert = pg_insert if is_postgresql(session) else sqlite_insert
    session.execute(
        insert(PointDay)
        .values(point_id=point_id, day=day, booked=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["point_id", "day"])
    )
    return session.execute(
        select(PointDay)
        .where(PointDay.point_id == point_id, PointDay.day == day)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def schedule(
    session: Session,
    *,
    principal: StaffPrincipal,
    handover_id: uuid.UUID,
    data: ScheduleIn,
    reschedule: bool,
    if_match: str | None,
) -> Handover:
    """Book route, date, window and escort team, or refuse with the precise reason.

    First scheduling moves the case to `handover_planned`; rescheduling supersedes the current plan (kept in the
    history) and needs a reason. Scheduling clears an attention flag: the coordinator has looked again. `if_match`
    must name the handover's current version (checked once the handover row is locked).
    """
    if reschedule and not data.reason:
        raise Unprocessable.field("#/reason", "Say why the handover is rescheduled.")
    crossing = _locked(session, BorderCrossing, data.crossing_id, share=True)
    if crossing is None:
        raise Unprocessable.field("#/crossing_id", "No such border crossing.")
    point = _locked(session, HandoverPoint, data.point_id, share=True)
    if point is None:
        raise Unprocessable.field("#/point_id", "No such handover point.")
    team = _locked(session, EscortTeam, data.escort_team_id)
    if team is None:
        raise Unprocessable.field("#/escort_team_id", "No such escort team.")
    handover = load_for_change(session, handover_id, if_match)
    _check_state(handover, reschedule)
    case = load_case(session, handover.case_id, for_update=True)
    check_eligible(case, HandoverType(handover.type), handover.agreed_release_reference)
    if not reschedule and case.state not in PLANNABLE_CASE_STATES:
        raise CaseWrongState(
            f"The case is '{case.state}'; it must be at its outcome (or family informed) to plan a handover.",
            reason="case_state",
            case_state=case.state,
        )

    link = session.get(PointCrossing, (point.id, crossing.id))
    if link is None:
        raise Unprocessable.field("#/crossing_id", f"{crossing.name_en} does not lead to {point.name}.")
    zone = ZoneInfo(point.time_zone)
    day = data.travel_date
    if day < point_today(point):
        raise Unprocessable.field("#/travel_date", f"{day} is in the past.")
    starts = datetime.combine(day, data.window_start, tzinfo=zone).astimezone(UTC)
    ends = datetime.combine(day, data.window_end, tzinfo=zone).astimezone(UTC)
    if starts <= utcnow():
        raise Unprocessable.field("#/window_start", "The window starts in the past.")
    problem = status_problem(crossing, crossing_status_on(session, crossing.id, day), day)
    if problem is not None:
        raise CrossingNotOpen(problem.detail, reason=problem.code, crossing_id=str(crossing.id), date=day.isoformat())
    if not point.is_active:
        raise PointInactive(f"{point.name} is not in service.", reason="point_inactive", point_id=str(point.id))
    timing = route_timing(crossing, point, link.escort_minutes, day)
    if (
        timing.arrival_from is None
        or timing.arrival_until is None
        or not (timing.arrival_from <= starts <= timing.arrival_until)
    ):
        reach = (
            f"between {timing.arrival_from.astimezone(zone):%H:%M} and {timing.arrival_until.astimezone(zone):%H:%M}"
            if timing.arrival_from and timing.arrival_until
            else "at no time that day"
        )
        raise Unprocessable.field(
            "#/window_start",
            f"Through {crossing.name_en} (hours {crossing.opens_at or '00:00'}-{crossing.closes_at or '24:00'}) "
            f"a family can reach {point.name} {reach} ({point.time_zone}).",
        )
    _check_documents(session, handover, day)
    escort_starts = starts - timedelta(minutes=link.escort_minutes)
    _check_team(session, team, handover, escort_starts, ends)

    target: tuple[uuid.UUID, date] = (point.id, day)
    keys = {target}
    if handover.point_id is not None and handover.travel_date is not None:
        keys.add((handover.point_id, handover.travel_date))
    ledgers = {key: _lock_day(session, *key) for key in sorted(keys, key=lambda k: (str(k[0]), k[1]))}
    booked = booked_count(session, point.id, day, excluding=handover.id)
    if booked >= point.daily_capacity:
        raise PointFull(
            f"{point.name} is at its daily capacity on {day}: {booked} of {point.daily_capacity} booked.",
            reason="point_full",
            point_id=str(point.id),
            date=day.isoformat(),
            capacity=point.daily_capacity,
            booked=booked,
        )
    _apply(session, principal, handover, crossing, point, team, data, starts, ends, escort_starts, reschedule)
    for (ledger_point, ledger_day), ledger in ledgers.items():
        ledger.booked = (
            booked + 1 if (ledger_point, ledger_day) == target else booked_count(session, ledger_point, ledger_day)
        )
    if not reschedule:
        handover.case_state_before = case.state
        transition(
            session,
            case=case,
            to_state=CaseState.HANDOVER_PLANNED,
            actor=principal.actor,
            reason=f"Handover scheduled for {day} through {crossing.name_en} / {crossing.name_pl}",
            details={"handover_id": str(handover.id)},
        )
    else:
        add_event(
            session,
            case,
            actor=principal.actor,
            kind="handover_rescheduled",
            reason=data.reason,
            details={"handover_id": str(handover.id), "travel_date": day.isoformat()},
        )
    session.flush()
    family_plan.after_change(session, handover, actor=principal.actor)
    return handover


def _check_state(handover: Handover, reschedule: bool) -> None:
    allowed = {HandoverState.SCHEDULED} if reschedule else SCHEDULABLE
    if handover.state not in allowed:
        hint = "reschedule it instead" if handover.state == HandoverState.SCHEDULED else "it cannot be scheduled now"
        raise InvalidTransition(
            f"The handover is {handover.state}; {hint}.",
            current_state=handover.state,
            allowed_states=sorted(s.value for s in allowed),
        )


def _check_documents(session: Session, handover: Handover, day: date) -> None:
    expired = session.execute(
        select(Traveller.full_name).where(
            Traveller.handover_id == handover.id,
            Traveller.document_expires_on.is_not(None),
            Traveller.document_expires_on < day,
        )
    ).first()
    if expired is not None:
        raise Unprocessable.field("#/travel_date", "A traveller's identity document expires before the travel date.")


def _check_team(
    session: Session, team: EscortTeam, handover: Handover, escort_starts: datetime, ends: datetime
) -> None:
    if not team.is_active:
        raise EscortTeamUnavailable(f"{team.name} is not active.", reason="escort_team_inactive")
    first, last = escort_starts.date(), ends.date()
    off = team_unavailable_days(session, team.id, min(first, last), max(first, last))
    if off:
        raise EscortTeamUnavailable(
            f"{team.name} is not available on {', '.join(d.isoformat() for d in off)}.",
            reason="escort_team_unavailable",
            escort_team_id=str(team.id),
        )
    clash = session.execute(
        select(Handover.id, Handover.escort_starts_at, Handover.window_ends_at)
        .where(
            Handover.escort_team_id == team.id,
            Handover.id != handover.id,
            Handover.state.in_(_SLOTS),
            Handover.escort_starts_at < ends,
            Handover.window_ends_at > escort_starts,
        )
        .limit(1)
    ).first()
    if clash is not None:
        raise EscortTeamBooked(
            f"{team.name} is already booked from {clash[1]:%Y-%m-%d %H:%M} to {clash[2]:%H:%M} UTC "
            "(from meeting the family at the crossing to the end of the window).",
            reason="escort_team_booked",
            escort_team_id=str(team.id),
            conflicting_handover_id=str(clash[0]),
        )


def _apply(
    session: Session,
    principal: StaffPrincipal,
    handover: Handover,
    crossing: BorderCrossing,
    point: HandoverPoint,
    team: EscortTeam,
    data: ScheduleIn,
    starts: datetime,
    ends: datetime,
    escort_starts: datetime,
    reschedule: bool,
) -> None:
    now = utcnow()
    before = {
        "travel_date": handover.travel_date,
        "point_id": handover.point_id,
        "crossing_id": handover.crossing_id,
        "escort_team_id": handover.escort_team_id,
        "window_start": handover.window_starts_at,
        "window_end": handover.window_ends_at,
        "state": handover.state,
    }
    if handover.schedule_revision:
        current = session.execute(
            select(HandoverSchedule).where(
                HandoverSchedule.handover_id == handover.id, HandoverSchedule.revision == handover.schedule_revision
            )
        ).scalar_one()
        current.superseded_at = now
        current.superseded_reason = data.reason
    hub = session.get_one(TransitHub, crossing.hub_id)
    handover.schedule_revision += 1
    handover.hub_id, handover.crossing_id, handover.point_id = hub.id, crossing.id, point.id
    handover.escort_team_id, handover.travel_date = team.id, data.travel_date
    handover.window_starts_at, handover.window_ends_at, handover.escort_starts_at = starts, ends, escort_starts
    handover.state = HandoverState.SCHEDULED.value
    handover.needs_attention, handover.attention_reason, handover.flagged_at = False, None, None
    session.add(
        HandoverSchedule(
            handover_id=handover.id,
            revision=handover.schedule_revision,
            hub_id=hub.id,
            crossing_id=crossing.id,
            point_id=point.id,
            escort_team_id=team.id,
            travel_date=data.travel_date,
            window_starts_at=starts,
            window_ends_at=ends,
            escort_starts_at=escort_starts,
            reason=data.reason,
            scheduled_by_id=principal.user_id,
            scheduled_at=now,
        )
    )
    session.flush()
    after = {
        "travel_date": handover.travel_date,
        "point_id": handover.point_id,
        "crossing_id": handover.crossing_id,
        "escort_team_id": handover.escort_team_id,
        "window_start": handover.window_starts_at,
        "window_end": handover.window_ends_at,
        "state": handover.state,
    }
    record(
        session,
        actor=principal.actor,
        action="handover.rescheduled" if reschedule else "handover.scheduled",
        target_type="handover",
        target_id=handover.id,
        changes=diff(session, before, after),
        details={"revision": handover.schedule_revision, "reason": data.reason},
    )
