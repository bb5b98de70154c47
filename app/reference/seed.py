"""Seeding reference data. `liaison seed` runs `seed_reference_data` in every environment, and `seed_demo_reference`
with `--demo` outside production. Both are idempotent: records are matched by code and never duplicated; an
existing record is left as an administrator may have changed it, and a crossing that already has any status entry
gets no seeded one. The facts themselves are data (`data/routes.json`), not code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record, system_actor
from app.reference.models import BorderCrossing, CrossingStatus, EscortTeam, HandoverPoint, TransitHub
from app.reference.points import create_point
from app.reference.schemas import CrossingCreate, HubCreate, MemberIn, PointCreate, PointCrossingIn, TeamCreate
from app.reference.service import create_crossing, create_hub
from app.reference.teams import create_team
from app.staff.models import StaffUser

DATA_FILE = Path(__file__).parent / "data" / "routes.json"


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return ", ".join(self.created) if self.created else "already present"


@lru_cache
def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def seed_reference_data(session: Session) -> SeedResult:
    """Transit hubs, border crossings and their initial operating status (where the data gives one)."""
    data, actor, result = seed_data(), system_actor(), SeedResult()
    hubs = {h.code: h for h in session.execute(select(TransitHub)).scalars()}
    for item in data["hubs"]:
        if item["code"] not in hubs:
            hubs[item["code"]] = create_hub(session, actor=actor, data=HubCreate(**item))
            result.created.append(f"hub {item['code']}")
    crossings = {c.code: c for c in session.execute(select(BorderCrossing)).scalars()}
    valid_from = date.fromisoformat(data["status_valid_from"])
    for item in data["crossings"]:
        values = {k: v for k, v in item.items() if k not in ("hub", "status", "status_note")}
        if item["code"] not in crossings:
            create_crossing(session, actor=actor, data=CrossingCreate(**values, hub_id=hubs[item["hub"]].id))
            result.created.append(f"crossing {item['code']}")
        crossing = session.execute(select(BorderCrossing).where(BorderCrossing.code == item["code"])).scalar_one()
        if item.get("status") is None:
            continue
        if session.execute(select(CrossingStatus.seq).where(CrossingStatus.crossing_id == crossing.id)).first():
            continue
        note = " ".join(filter(None, [item.get("status_note"), data["status_note"]]))
        status = CrossingStatus(
            crossing_id=crossing.id, state=item["status"], valid_from=valid_from, note=note, recorded_by=actor.id
        )
        session.add(status)
        session.flush()
        record(
            session,
            actor=actor,
            action="reference.crossing_status_added",
            target_type="border_crossing",
            target_id=crossing.id,
            details={"seq": status.seq, "state": status.state, "valid_from": valid_from, "seeded": True},
        )
        result.created.append(f"status {item['code']}={item['status']}")
    return result


def seed_demo_reference(session: Session, *, is_production: bool) -> SeedResult:
    """Plainly fictional, labelled demo handover points and escort teams. Never in production."""
    if is_production:
        raise RuntimeError("demo reference data is never created in production")
    data, actor, result = seed_data(), system_actor(), SeedResult()
    crossings = {c.code: c.id for c in session.execute(select(BorderCrossing)).scalars()}
    for item in data["demo_points"]:
        if session.execute(select(HandoverPoint.id).where(HandoverPoint.code == item["code"])).first():
            continue
        links = [
            PointCrossingIn(crossing_id=crossings[code], escort_minutes=minutes)
            for code, minutes in item["crossings"].items()
            if code in crossings
        ]
        values = {k: v for k, v in item.items() if k != "crossings"}
        create_point(session, actor=actor, data=PointCreate(**values, is_demo=True, crossings=links))
        result.created.append(f"point {item['code']}")
    for item in data["demo_teams"]:
        if session.execute(select(EscortTeam.id).where(EscortTeam.code == item["code"])).first():
            continue
        users = session.execute(
            select(StaffUser.id).where(StaffUser.username.in_(item["members"]), StaffUser.is_active.is_(True))
        ).scalars()
        members = [MemberIn(user_id=user_id, role="lead") for user_id in users]
        create_team(
            session,
            actor=actor,
            data=TeamCreate(code=item["code"], name=item["name"], notes="Demo data.", is_demo=True, members=members),
        )
        result.created.append(f"team {item['code']}")
    return result
