"""A small, fictional world of reference data for handover tests, written straight to the database.

    hub kaliningrad ── open-x (open, 24h) ──────┬─► north (capacity 2)
                    └─ closed-x (closed ±30 d) ──┘
                    └─ open-x ─────────────────────► shut (inactive)
    hub minsk ──────── hours-x (open, 08:00-20:00) ─┬─► south (capacity 1)
                    └─ unknown-x (no status) ───────┘
Teams: `teams[0..n)`, all active, no calendar entries (so available).

Changes to versioned records need their ETag in `If-Match`: `if_match` builds the headers from an ETag or a response
body's `version`; `fresh` reads the record at a URL first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.reference.clock import border_today
from app.reference.models import (
    BorderCrossing,
    CrossingStatus,
    EscortTeam,
    HandoverPoint,
    PointCrossing,
    TransitHub,
)
from app.transaction import unit_of_work


def if_match(staff: Any, source: str | dict[str, Any]) -> dict[str, str]:
    """`staff`'s headers plus `If-Match`: `source` is an ETag, or a response body with its `version`."""
    tag = source if isinstance(source, str) else f'"{source["version"]}"'
    return {**staff.headers, "If-Match": tag}


def fresh(client: TestClient, staff: Any, url: str) -> dict[str, str]:
    """`staff`'s headers plus `If-Match` with the current ETag of the record at `url` (read first)."""
    response = client.get(url, headers=staff.headers)
    assert response.status_code == 200, response.text
    return {**staff.headers, "If-Match": response.headers["ETag"]}


@dataclass
class World:
    day: date
    hubs: dict[str, uuid.UUID] = field(default_factory=dict)
    crossings: dict[str, uuid.UUID] = field(default_factory=dict)
    points: dict[str, uuid.UUID] = field(default_factory=dict)
    teams: list[uuid.UUID] = field(default_factory=list)


def _crossing(session: Session, code: str, hub: TransitHub, **values: object) -> BorderCrossing:
    crossing = BorderCrossing(
        code=code,
        hub_id=hub.id,
        name_ru=f"{code} ru",
        name_uk=f"{code} uk",
        name_en=code.replace("-", " ").title(),
        name_pl=f"{code} pl",
        **{"taxi_minutes": 60, "clearance_minutes": 120, "time_zone": "Europe/Warsaw", **values},
    )
    session.add(crossing)
    session.flush()
    return crossing


def _point(
    session: Session, code: str, capacity: int, links: dict[BorderCrossing, int], active: bool = True
) -> HandoverPoint:
    point = HandoverPoint(
        code=code,
        name=f"Test point {code}",
        time_zone="Europe/Warsaw",
        daily_capacity=capacity,
        duty_phone="+48221234567",
        is_active=active,
    )
    session.add(point)
    session.flush()
    for crossing, minutes in links.items():
        session.add(PointCrossing(point_id=point.id, crossing_id=crossing.id, escort_minutes=minutes))
    return point


def build_world(
    factory: sessionmaker[Session], *, teams: int = 3, north_capacity: int = 2, day: date | None = None
) -> World:
    world = World(day=day or border_today() + timedelta(days=7))
    start = world.day - timedelta(days=30)
    with unit_of_work(factory) as session:
        kaliningrad = TransitHub(
            code="t-kaliningrad",
            name_ru="Калининград",
            name_uk="Калінінград",
            name_en="Kaliningrad",
            country="RU",
            time_zone="Europe/Kaliningrad",
        )
        minsk = TransitHub(
            code="t-minsk", name_ru="Минск", name_uk="Мінськ", name_en="Minsk", country="BY", time_zone="Europe/Minsk"
        )
        session.add_all([kaliningrad, minsk])
        session.flush()
        open_x = _crossing(session, "open-x", kaliningrad)
        closed_x = _crossing(session, "closed-x", kaliningrad)
        hours_x = _crossing(
            session,
            "hours-x",
            minsk,
            taxi_minutes=300,
            clearance_minutes=180,
            opens_at=time(8, 0),
            closes_at=time(20, 0),
        )
        unknown_x = _crossing(session, "unknown-x", minsk)
        for crossing, state, until in (
            (open_x, "open", None),
            (closed_x, "closed", world.day + timedelta(days=30)),
            (hours_x, "open", None),
        ):
            session.add(
                CrossingStatus(
                    crossing_id=crossing.id,
                    state=state,
                    valid_from=start,
                    valid_until=until,
                    note=f"test {state}",
                    recorded_by="system",
                )
            )
        north = _point(session, "north", north_capacity, {open_x: 45, closed_x: 60})
        south = _point(session, "south", 1, {hours_x: 30, unknown_x: 30})
        shut = _point(session, "shut", 5, {open_x: 20}, active=False)
        for index in range(teams):
            team = EscortTeam(code=f"team-{index}", name=f"Escort team {index}")
            session.add(team)
            session.flush()
            world.teams.append(team.id)
        world.hubs = {"kaliningrad": kaliningrad.id, "minsk": minsk.id}
        world.crossings = {"open": open_x.id, "closed": closed_x.id, "hours": hours_x.id, "unknown": unknown_x.id}
        world.points = {"north": north.id, "south": south.id, "shut": shut.id}
    return world
