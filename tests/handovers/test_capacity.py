"""Acceptance 3: the last slot at a handover point goes to exactly one of many parallel requests."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.cases.models import Case
from app.reference.models import PointDay
from tests.handovers.factories import (
    case_state,
    change,
    if_match,
    make_case,
    request_handover,
    schedule,
    schedule_body,
    scheduled_handover,
)
from tests.reference.factories import build_world

PARALLEL = 10


def test_schedule_last_slot_ten_parallel_requests_exactly_one_succeeds(
    client, make_staff, session_factory, db_session, backend
):
    """Ten coordinators race for the last slot of a day at a point (capacity 2, one already booked).

    Each request is a separate HTTP request on its own thread, database connection and transaction, released
    together by a barrier. On PostgreSQL they really run concurrently and queue on the point's day-ledger row
    (`SELECT ... FOR UPDATE`); on SQLite every transaction is BEGIN IMMEDIATE, so writers serialize on the database
    lock and the test shows the same outcome through that path.
    """
    world = build_world(session_factory, teams=PARALLEL + 1, north_capacity=2)
    coordinators = [make_staff("coordinator") for _ in range(PARALLEL)]
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    scheduled_handover(client, session_factory, coordinators[0], team=world.teams[PARALLEL], **route)
    handovers = [request_handover(client, c, make_case(session_factory)) for c in coordinators]
    barrier = threading.Barrier(PARALLEL)

    def attempt(index: int):
        body = schedule_body(team=world.teams[index], **route)
        headers = if_match(coordinators[index], handovers[index])
        barrier.wait(timeout=30)
        return client.post(f"/api/v1/handovers/{handovers[index]['id']}/schedule", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        responses = list(pool.map(attempt, range(PARALLEL)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (PARALLEL - 1), [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 409):
        problem = refused.json()
        assert problem["type"] == "/problems/handover-point-full"
        assert "capacity" in problem["detail"]
        assert problem["capacity"] == 2 and problem["booked"] == 2
    winner = next(r for r in responses if r.status_code == 200).json()
    ledger = db_session.execute(
        select(PointDay).where(PointDay.point_id == world.points["north"], PointDay.day == world.day)
    ).scalar_one()
    assert ledger.booked == 2
    planned = db_session.execute(select(Case.state).where(Case.state == "handover_planned")).all()
    assert len(planned) == 2  # the first booking and the winner; the losers' cases are unchanged
    assert winner["state"] == "scheduled"


def test_schedule_point_at_capacity_refused_and_nothing_changed(client, make_staff, session_factory, db_session):
    world = build_world(session_factory, north_capacity=1)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    scheduled_handover(client, session_factory, coordinator, team=world.teams[0], **route)
    case_id = make_case(session_factory)
    hid = request_handover(client, coordinator, case_id)["id"]

    response = schedule(client, coordinator, hid, team=world.teams[1], **route)

    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "/problems/handover-point-full"
    assert problem["reason"] == "point_full"
    assert "daily capacity" in problem["detail"]
    after = client.get(f"/api/v1/handovers/{hid}", headers=coordinator.headers).json()
    assert after["state"] == "requested" and after["schedule"] is None
    assert case_state(session_factory, case_id)[0] == "released"


def test_cancel_scheduled_handover_frees_slot_and_returns_case(client, make_staff, session_factory, db_session):
    world = build_world(session_factory, north_capacity=1)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    first = scheduled_handover(client, session_factory, coordinator, team=world.teams[0], **route)

    response = change(client, coordinator, first["id"], "cancel", {"reason": "Family cannot travel"})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "cancelled"
    assert response.json()["closed_reason"] == "Family cannot travel"
    assert case_state(session_factory, first["case_id"])[0] == "released"

    second = scheduled_handover(client, session_factory, coordinator, team=world.teams[0], **route)
    assert second["state"] == "scheduled"
