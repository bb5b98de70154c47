"""Route planning: hub → crossing → handover point on a date, with timings, and why a route cannot be used.

Timings are computed in each place's own time zone: the family leaves the hub (hub time), reaches the crossing
within its opening hours (crossing time), clears both border controls, and is escorted to the point, where the
arrival window is given in the point's time zone. The arrival window is what the family can reach that day:
[crossing opens + clearance + escort, crossing closes + clearance + escort], cut to the point's calendar day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.handovers.models import SLOT_STATES, Handover
from app.handovers.schemas import CrossingRef, Problem, Ref, RouteOption, RouteOptionsOut, TeamAvailability
from app.handovers.service import load
from app.reference.models import (
    BorderCrossing,
    CrossingState,
    CrossingStatus,
    EscortTeam,
    HandoverPoint,
    PointCrossing,
    TransitHub,
)
from app.reference.timeline import crossing_statuses_on, team_unavailable_days

_SLOTS = [s.value for s in SLOT_STATES]


@dataclass(frozen=True, slots=True)
class Timing:
    """When a family can move along one route on one day. All datetimes are aware (UTC)."""

    crossing_opens: datetime
    crossing_closes: datetime
    arrival_from: datetime | None
    arrival_until: datetime | None
    """The reachable arrival window at the point on its calendar day; None when the day leaves none."""
    lead_minutes: int
    """Minutes from entering the crossing to arriving at the point (clearance + escort)."""


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def route_timing(crossing: BorderCrossing, point: HandoverPoint, escort_minutes: int, day: date) -> Timing:
    zone = ZoneInfo(crossing.time_zone)
    if crossing.opens_at is None or crossing.closes_at is None:
        opens, closes = day_bounds(day, zone)
    else:
        opens = datetime.combine(day, crossing.opens_at, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, crossing.closes_at, tzinfo=zone).astimezone(UTC)
    lead = crossing.clearance_minutes + escort_minutes
    day_start, day_end = day_bounds(day, ZoneInfo(point.time_zone))
    earliest = max(opens + timedelta(minutes=lead), day_start)
    latest = min(closes + timedelta(minutes=lead), day_end)
    if latest <= earliest:
        return Timing(opens, closes, None, None, lead)
    return Timing(opens, closes, earliest, latest, lead)


def hours_label(crossing: BorderCrossing) -> str:
    if crossing.opens_at is None or crossing.closes_at is None:
        return "around the clock"
    return f"{crossing.opens_at:%H:%M}-{crossing.closes_at:%H:%M}"


def status_problem(crossing: BorderCrossing, status: CrossingStatus | None, day: date) -> Problem | None:
    """Why the crossing cannot be used on `day`, or None when it is open (or open with restrictions)."""
    name = f"{crossing.name_en} / {crossing.name_pl}"
    if status is None:
        return Problem(code="crossing_status_unknown", detail=f"No operating status is recorded for {name} on {day}.")
    if status.state == CrossingState.CLOSED:
        note = f": {status.note}" if status.note else ""
        return Problem(code="crossing_closed", detail=f"{name} is closed on {day}{note}.")
    return None


def booked_count(session: Session, point_id: uuid.UUID, day: date, *, excluding: uuid.UUID | None = None) -> int:
    query = select(func.count()).where(
        Handover.point_id == point_id, Handover.travel_date == day, Handover.state.in_(_SLOTS)
    )
    if excluding is not None:
        query = query.where(Handover.id != excluding)
    return int(session.execute(query).scalar_one())


def point_today(point: HandoverPoint) -> date:
    return datetime.now(ZoneInfo(point.time_zone)).date()


def _option(
    session: Session,
    *,
    handover: Handover,
    hub: TransitHub,
    crossing: BorderCrossing,
    point: HandoverPoint,
    link: PointCrossing,
    status: CrossingStatus | None,
    day: date,
) -> RouteOption:
    reasons: list[Problem] = []
    warnings: list[Problem] = []
    if day < point_today(point):
        reasons.append(Problem(code="date_in_past", detail=f"{day} is in the past at {point.name}."))
    problem = status_problem(crossing, status, day)
    if problem is not None:
        reasons.append(problem)
    elif status is not None and status.state == CrossingState.RESTRICTED:
        note = f": {status.note}" if status.note else ""
        warnings.append(Problem(code="crossing_restricted", detail=f"Crossing open with restrictions{note}."))
    if not point.is_active:
        reasons.append(Problem(code="point_inactive", detail=f"{point.name} is not in service."))
    booked = booked_count(session, point.id, day, excluding=handover.id)
    if booked >= point.daily_capacity:
        reasons.append(
            Problem(
                code="point_full",
                detail=f"{point.name} is at its daily capacity ({booked} of {point.daily_capacity} booked).",
            )
        )
    timing = route_timing(crossing, point, link.escort_minutes, day)
    if timing.arrival_from is None:
        reasons.append(
            Problem(
                code="no_arrival_window", detail="The crossing's hours leave no arrival time at the point that day."
            )
        )
    elif timing.arrival_until is not None and timing.arrival_until <= utcnow():
        reasons.append(Problem(code="date_in_past", detail="The last arrival time at the point that day has passed."))
    hub_zone = ZoneInfo(hub.time_zone)
    taxi = timedelta(minutes=crossing.taxi_minutes)
    return RouteOption(
        feasible=not reasons,
        reasons=reasons,
        warnings=warnings,
        hub=Ref(id=hub.id, code=hub.code, name=hub.name_en),
        crossing=CrossingRef(id=crossing.id, code=crossing.code, name=crossing.name_en, name_pl=crossing.name_pl),
        point=Ref(id=point.id, code=point.code, name=point.name),
        crossing_status=status.state if status else None,
        crossing_status_note=status.note if status else None,
        crossing_hours=hours_label(crossing),
        crossing_time_zone=crossing.time_zone,
        taxi_minutes=crossing.taxi_minutes,
        clearance_minutes=crossing.clearance_minutes,
        escort_minutes=link.escort_minutes,
        total_minutes=crossing.taxi_minutes + timing.lead_minutes,
        depart_hub_from=(timing.crossing_opens - taxi).astimezone(hub_zone) if timing.arrival_from else None,
        depart_hub_until=(timing.crossing_closes - taxi).astimezone(hub_zone) if timing.arrival_from else None,
        arrival_window_start=timing.arrival_from.astimezone(ZoneInfo(point.time_zone)) if timing.arrival_from else None,
        arrival_window_end=timing.arrival_until.astimezone(ZoneInfo(point.time_zone)) if timing.arrival_until else None,
        point_capacity=point.daily_capacity,
        point_booked=booked,
        point_free=max(point.daily_capacity - booked, 0),
    )


def _teams_available(session: Session, day: date, handover_id: uuid.UUID) -> list[TeamAvailability]:
    out = []
    for team in session.execute(
        select(EscortTeam).where(EscortTeam.is_active.is_(True)).order_by(EscortTeam.code)
    ).scalars():
        if team_unavailable_days(session, team.id, day, day):
            continue
        windows = session.execute(
            select(Handover.escort_starts_at, Handover.window_ends_at)
            .where(
                Handover.escort_team_id == team.id,
                Handover.travel_date == day,
                Handover.state.in_(_SLOTS),
                Handover.id != handover_id,
            )
            .order_by(Handover.escort_starts_at)
        ).all()
        booked = [(start, end) for start, end in windows if start is not None and end is not None]
        out.append(TeamAvailability(id=team.id, code=team.code, name=team.name, booked_windows=booked))
    return out


def route_options(session: Session, *, handover_id: uuid.UUID, day: date) -> RouteOptionsOut:
    """Every route that leads to a handover point, split into feasible (fastest first) and infeasible with reasons."""
    handover = load(session, handover_id)
    rows = session.execute(
        select(PointCrossing, BorderCrossing, TransitHub, HandoverPoint)
        .join(BorderCrossing, BorderCrossing.id == PointCrossing.crossing_id)
        .join(TransitHub, TransitHub.id == BorderCrossing.hub_id)
        .join(HandoverPoint, HandoverPoint.id == PointCrossing.point_id)
        .order_by(TransitHub.code, BorderCrossing.code, HandoverPoint.code)
    ).all()
    statuses = crossing_statuses_on(session, {c.id for _, c, _, _ in rows}, day)
    options = [
        _option(
            session,
            handover=handover,
            hub=hub,
            crossing=crossing,
            point=point,
            link=link,
            status=statuses.get(crossing.id),
            day=day,
        )
        for link, crossing, hub, point in rows
    ]
    feasible = sorted((o for o in options if o.feasible), key=lambda o: (o.total_minutes, o.point.code))
    return RouteOptionsOut(
        handover_id=handover.id,
        date=day,
        feasible=feasible,
        infeasible=[o for o in options if not o.feasible],
        escort_teams_available=_teams_available(session, day, handover.id),
    )
