"""Escort teams, their members (staff users) and their availability calendar.

Availability is a time series like a crossing's status: entries are added, never edited; the latest entry covering
a day decides. Marking a team unavailable flags the handovers it escorts on those days. Adding an entry needs no
If-Match; editing or deleting the team needs its ETag (members are part of the team and move its version).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.audit.service import diff
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.handovers.models import Handover, HandoverSchedule
from app.reference.flows import flag_for_team, flag_for_team_from
from app.reference.models import EscortAvailability, EscortTeam, EscortTeamMember
from app.reference.schemas import AvailabilityCreate, MemberIn, MemberOut, TeamCreate, TeamOut, TeamUpdate
from app.reference.service import locked_for_change, snapshot
from app.staff.models import StaffUser

TEAM_FIELDS = ("code", "name", "notes", "is_active", "is_demo")


def _members(session: Session, team_id: uuid.UUID) -> list[tuple[EscortTeamMember, StaffUser]]:
    rows = session.execute(
        select(EscortTeamMember, StaffUser)
        .join(StaffUser, StaffUser.id == EscortTeamMember.user_id)
        .where(EscortTeamMember.team_id == team_id)
        .order_by(EscortTeamMember.role, StaffUser.username)
    ).all()
    return [(m, u) for m, u in rows]


def _full_snapshot(session: Session, team: EscortTeam) -> dict[str, Any]:
    values = snapshot(team, TEAM_FIELDS)
    values["members"] = {str(m.user_id): m.role for m, _ in _members(session, team.id)}
    return values


def team_out(session: Session, team: EscortTeam) -> TeamOut:
    return TeamOut(
        **snapshot(team, TEAM_FIELDS),
        id=team.id,
        members=[
            MemberOut(user_id=u.id, username=u.username, full_name=u.full_name, role=m.role)
            for m, u in _members(session, team.id)
        ],
        created_at=team.created_at,
        updated_at=team.updated_at,
        version=team.version,
    )


def list_teams(session: Session, *, active: bool | None = None) -> list[TeamOut]:
    query = select(EscortTeam)
    if active is not None:
        query = query.where(EscortTeam.is_active.is_(active))
    return [team_out(session, t) for t in session.execute(query.order_by(EscortTeam.code)).scalars()]


def get_team(session: Session, team_id: uuid.UUID) -> EscortTeam:
    team = session.get(EscortTeam, team_id)
    if team is None:
        raise NotFound("No such escort team.")
    return team


def _set_members(session: Session, team: EscortTeam, members: list[MemberIn]) -> None:
    ids = [m.user_id for m in members]
    if len(set(ids)) != len(ids):
        raise Unprocessable.field("#/members", "Each staff user may be listed once.")
    users = {u.id: u for u in session.execute(select(StaffUser).where(StaffUser.id.in_(ids))).scalars()}
    for index, member in enumerate(members):
        user = users.get(member.user_id)
        if user is None or not user.is_active:
            raise Unprocessable.field(f"#/members/{index}/user_id", "No such active staff user.")
    for existing, _ in _members(session, team.id):
        session.delete(existing)
    session.flush()
    for member in members:
        session.add(EscortTeamMember(team_id=team.id, user_id=member.user_id, role=member.role))
    session.flush()


def create_team(session: Session, *, actor: Actor, data: TeamCreate) -> TeamOut:
    if session.execute(select(EscortTeam.id).where(EscortTeam.code == data.code)).first():
        raise Conflict("This code is already in use.", errors=[{"pointer": "#/code", "detail": "already in use"}])
    team = EscortTeam(**data.model_dump(exclude={"members"}))
    session.add(team)
    session.flush()
    _set_members(session, team, data.members)
    record(
        session,
        actor=actor,
        action="reference.escort_team_created",
        target_type="escort_team",
        target_id=team.id,
        changes=diff(session, {}, _full_snapshot(session, team)),
    )
    return team_out(session, team)


def update_team(
    session: Session, *, actor: Actor, team_id: uuid.UUID, data: TeamUpdate, today: date, if_match: str | None
) -> tuple[TeamOut, list[uuid.UUID]]:
    """Apply changes; deactivating flags the team's handovers from `today` on, which are returned."""
    team = locked_for_change(session, EscortTeam, team_id, if_match)
    before = _full_snapshot(session, team)
    if data.members is not None and set(before["members"].items()) != {(str(m.user_id), m.role) for m in data.members}:
        team.updated_at = utcnow()  # the members are part of the team: its version must move with them
    for name, value in data.model_dump(exclude_unset=True, exclude={"members"}).items():
        if value is not None:
            setattr(team, name, value)
    if data.members is not None:
        _set_members(session, team, data.members)
    session.flush()
    changes = diff(session, before, _full_snapshot(session, team))
    affected: list[uuid.UUID] = []
    if before["is_active"] and not team.is_active:
        reason = f"Escort team {team.name} deactivated"
        affected = flag_for_team_from(session, actor=actor, team_id=team.id, since=today, reason=reason)
    if changes:
        record(
            session,
            actor=actor,
            action="reference.escort_team_updated",
            target_type="escort_team",
            target_id=team.id,
            changes=changes,
            details={"affected_handovers": [str(h) for h in affected]},
        )
    return team_out(session, team), affected


def delete_team(session: Session, *, actor: Actor, team_id: uuid.UUID, if_match: str | None) -> None:
    team = locked_for_change(session, EscortTeam, team_id, if_match)
    used = select(Handover.id).where(Handover.escort_team_id == team.id).limit(1)
    planned = select(HandoverSchedule.id).where(HandoverSchedule.escort_team_id == team.id).limit(1)
    if session.execute(used).first() or session.execute(planned).first():
        raise Conflict("This team was booked for handovers; deactivate it instead.")
    before = _full_snapshot(session, team)
    for member, _ in _members(session, team.id):
        session.delete(member)
    for entry in session.execute(select(EscortAvailability).where(EscortAvailability.team_id == team.id)).scalars():
        session.delete(entry)
    session.delete(team)
    session.flush()
    record(
        session,
        actor=actor,
        action="reference.escort_team_deleted",
        target_type="escort_team",
        target_id=team_id,
        changes=diff(session, before, {}),
    )


def list_availability(session: Session, team_id: uuid.UUID) -> list[EscortAvailability]:
    get_team(session, team_id)
    return list(
        session.execute(
            select(EscortAvailability)
            .where(EscortAvailability.team_id == team_id)
            .order_by(EscortAvailability.seq.desc())
        ).scalars()
    )


def add_availability(
    session: Session, *, actor: Actor, team_id: uuid.UUID, data: AvailabilityCreate
) -> tuple[EscortAvailability, list[uuid.UUID]]:
    """Record an availability entry; an unavailable one flags the team's handovers on those days.

    The team row is locked first, as scheduling locks it before booking: a booking either finishes before us (and
    is flagged) or starts after us (and sees the unavailability).
    """
    team = session.execute(select(EscortTeam).where(EscortTeam.id == team_id).with_for_update()).scalar_one_or_none()
    if team is None:
        raise NotFound("No such escort team.")
    entry = EscortAvailability(
        team_id=team.id,
        available=data.available,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        note=data.note,
        recorded_by=actor.id,
    )
    session.add(entry)
    session.flush()
    affected: list[uuid.UUID] = []
    if not data.available:
        days = [data.starts_on + timedelta(days=n) for n in range((data.ends_on - data.starts_on).days + 1)]
        reason = f"Escort team {team.name} unavailable from {data.starts_on} to {data.ends_on}"
        if data.note:
            reason += f": {data.note}"
        affected = flag_for_team(session, actor=actor, team_id=team.id, days=days, reason=reason)
    record(
        session,
        actor=actor,
        action="reference.escort_availability_added",
        target_type="escort_team",
        target_id=team.id,
        details={
            "seq": entry.seq,
            "available": entry.available,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
            "note": entry.note,
            "affected_handovers": [str(h) for h in affected],
        },
    )
    return entry, affected
