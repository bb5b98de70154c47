"""Reference data for handovers: transit hubs, border crossings, handover points, escort teams.

Everything that changes with politics or rosters is data an administrator or coordinator maintains over time:
a crossing's operating status and an escort team's availability are time series of dated entries, never constants
in code. For both, the most recently recorded entry covering a date decides (`seq` orders them), so a correction
is a new entry and the history stays readable.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class CrossingState(StrEnum):
    OPEN = "open"
    RESTRICTED = "restricted"
    """Open for passengers with restrictions (hours, queues, documents); routes stay feasible with a warning."""
    CLOSED = "closed"


class TransitHub(Base):
    """A city families travel to first (Kaliningrad, Minsk)."""

    __tablename__ = "transit_hub"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    """Stable slug used by the seeder and in exports (`kaliningrad`)."""
    name_ru: Mapped[str] = mapped_column(String(120))
    name_uk: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    """ISO 3166-1 alpha-2."""
    time_zone: Mapped[str] = mapped_column(String(64))
    """IANA zone; departure times for families are given in it."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class BorderCrossing(Base):
    """A road crossing into Poland, named on both sides, served from one hub."""

    __tablename__ = "border_crossing"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transit_hub.id"), index=True)
    name_ru: Mapped[str] = mapped_column(String(120))
    name_uk: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    name_pl: Mapped[str] = mapped_column(String(120))
    """The Polish side's name (`Grzechotki`)."""
    taxi_minutes: Mapped[int]
    """Typical taxi time from the hub to the crossing."""
    clearance_minutes: Mapped[int] = mapped_column(default=120)
    """Typical time to clear both border controls; used to plan when the escort meets the family."""
    opens_at: Mapped[time | None]
    closes_at: Mapped[time | None]
    """Daily opening hours in `time_zone`; both empty means open around the clock."""
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("taxi_minutes >= 0", name="taxi_minutes_not_negative"),
        CheckConstraint("clearance_minutes >= 0", name="clearance_minutes_not_negative"),
    )


class CrossingStatus(Base):
    """One entry of a crossing's operating status: `state` from `valid_from` to `valid_until` (inclusive).

    An open-ended entry has no `valid_until`. For a date, the entry with the highest `seq` covering it wins; a date
    no entry covers has an unknown status, and no route is planned through it.
    """

    __tablename__ = "crossing_status"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    crossing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("border_crossing.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    """Where the status comes from (e.g. "Polish Border Guard announcement of 28 Nov"); families see it."""
    recorded_by: Mapped[str] = mapped_column(String(80))
    """A staff user id, or `system` for the seeder."""
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_crossing_status_crossing_id_valid_from", "crossing_id", "valid_from"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="range_ordered"),
    )


class HandoverPoint(Base):
    """Where families are escorted to from a crossing. Not public: demo points are plainly fictional."""

    __tablename__ = "handover_point"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    """Handover windows are given in this zone."""
    daily_capacity: Mapped[int]
    """Handovers per day; the scheduler refuses the next one."""
    duty_phone: Mapped[str] = mapped_column(String(20))
    """The coordination desk families call (E.164); never an escort's own number."""
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (CheckConstraint("daily_capacity >= 0", name="daily_capacity_not_negative"),)


class PointCrossing(Base):
    """A crossing that leads to a handover point, with the escort's time from the crossing to the point."""

    __tablename__ = "point_crossing"

    point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover_point.id", ondelete="CASCADE"), primary_key=True)
    crossing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("border_crossing.id"), primary_key=True, index=True)
    escort_minutes: Mapped[int]

    __table_args__ = (CheckConstraint("escort_minutes >= 0", name="escort_minutes_not_negative"),)


class PointDay(Base):
    """The booking ledger of one handover point on one day, and the row scheduling locks.

    Scheduling takes `SELECT ... FOR UPDATE` on this row before counting the day's bookings, so two coordinators
    racing for the last slot queue here and the second sees the first one's booking. `booked` is recomputed under
    the lock on every booking and release; it is informative, the count of handovers is the truth.
    """

    __tablename__ = "point_day"

    point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover_point.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    booked: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("booked >= 0", name="booked_not_negative"),)


class EscortTeam(Base):
    """Staff who meet a family at the crossing and escort them to the handover point."""

    __tablename__ = "escort_team"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class EscortTeamMember(Base):
    __tablename__ = "escort_team_member"

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("escort_team.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(12), default="member")
    """`lead` or `member`."""


class EscortAvailability(Base):
    """One entry of a team's availability calendar: available or not from `starts_on` to `ends_on` (inclusive).

    A team is available on a date no entry covers; the entry with the highest `seq` covering a date wins.
    """

    __tablename__ = "escort_availability"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("escort_team.id", ondelete="CASCADE"), index=True)
    available: Mapped[bool]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="range_ordered"),)


__all__ = [
    "BorderCrossing",
    "CrossingState",
    "CrossingStatus",
    "EscortAvailability",
    "EscortTeam",
    "EscortTeamMember",
    "HandoverPoint",
    "PointCrossing",
    "PointDay",
    "TransitHub",
]
