"""The reference-data seeder: idempotent, statuses as data, demo data fictional and never in production."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.reference.models import (
    BorderCrossing,
    CrossingStatus,
    EscortTeam,
    EscortTeamMember,
    HandoverPoint,
    PointCrossing,
    TransitHub,
)
from app.reference.seed import seed_data, seed_demo_reference, seed_reference_data
from app.transaction import unit_of_work


def _counts(session) -> dict[str, int]:
    models = (TransitHub, BorderCrossing, CrossingStatus, HandoverPoint, PointCrossing, EscortTeam, EscortTeamMember)
    return {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar_one() for m in models}


def test_seed_twice_duplicates_nothing(session_factory, make_staff):
    make_staff("coordinator", username="demo-coordinator")
    with unit_of_work(session_factory) as session:
        first = seed_reference_data(session)
        demo = seed_demo_reference(session, is_production=False)
    assert first.created and demo.created
    with unit_of_work(session_factory) as session:
        before = _counts(session)
        assert seed_reference_data(session).created == []
        assert seed_demo_reference(session, is_production=False).created == []
        assert _counts(session) == before
    data = seed_data()
    assert before["transit_hub"] == len(data["hubs"]) and before["border_crossing"] == len(data["crossings"])
    assert before["crossing_status"] == sum(1 for c in data["crossings"] if c["status"])
    assert before["escort_team_member"] == 1


def test_seed_keeps_administrator_changes(session_factory):
    with unit_of_work(session_factory) as session:
        seed_reference_data(session)
        crossing = session.execute(select(BorderCrossing).where(BorderCrossing.code == "brest-terespol")).scalar_one()
        crossing.taxi_minutes = 999
        session.add(
            CrossingStatus(
                crossing_id=crossing.id, state="closed", valid_from=crossing.created_at.date(), recorded_by="admin"
            )
        )
    with unit_of_work(session_factory) as session:
        seed_reference_data(session)
        crossing = session.execute(select(BorderCrossing).where(BorderCrossing.code == "brest-terespol")).scalar_one()
        assert crossing.taxi_minutes == 999
        statuses = (
            session.execute(
                select(CrossingStatus.state)
                .where(CrossingStatus.crossing_id == crossing.id)
                .order_by(CrossingStatus.seq)
            )
            .scalars()
            .all()
        )
        assert statuses == ["open", "closed"]


def test_seed_demo_reference_in_production_refused_and_demo_labelled(session_factory):
    with unit_of_work(session_factory) as session:
        seed_reference_data(session)
        with pytest.raises(RuntimeError):
            seed_demo_reference(session, is_production=True)
        seed_demo_reference(session, is_production=False)
        points = session.execute(select(HandoverPoint)).scalars().all()
        teams = session.execute(select(EscortTeam)).scalars().all()
    assert points and all(p.is_demo and "DEMO" in p.name and "fictional" in p.name for p in points)
    assert teams and all(t.is_demo and "DEMO" in t.name for t in teams)
