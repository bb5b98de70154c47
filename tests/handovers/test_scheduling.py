"""Scheduling refusals (acceptance 4: an escort team is never booked twice for overlapping windows) and rules."""

from __future__ import annotations

from datetime import timedelta

from app.cases.models import Case
from app.reference.clock import border_today
from app.transaction import commit
from tests.handovers.factories import (
    case_state,
    change,
    fresh,
    make_case,
    request_handover,
    schedule,
    scheduled_handover,
)
from tests.reference.factories import build_world


def test_schedule_escort_team_overlapping_window_refused(client, make_staff, session_factory, db_session):
    world = build_world(session_factory, north_capacity=5)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    first = scheduled_handover(
        client, session_factory, coordinator, team=world.teams[0], start="10:00", end="12:00", **route
    )
    case_id = make_case(session_factory)
    hid = request_handover(client, coordinator, case_id)["id"]

    # The team is busy from meeting the family at the crossing (45 min before 10:00) to 12:00.
    for start, end in (("11:00", "13:00"), ("09:00", "10:30"), ("12:30", "13:00")):
        response = schedule(client, coordinator, hid, team=world.teams[0], start=start, end=end, **route)
        assert response.status_code == 409, (start, end, response.text)
        problem = response.json()
        assert problem["type"] == "/problems/escort-team-booked"
        assert problem["conflicting_handover_id"] == first["id"]
    assert case_state(session_factory, case_id)[0] == "released"

    response = schedule(client, coordinator, hid, team=world.teams[0], start="13:00", end="14:00", **route)
    assert response.status_code == 200, response.text


def test_schedule_escort_team_unavailable_or_inactive_refused(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator, admin = make_staff("coordinator"), make_staff("admin")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    hid = request_handover(client, coordinator, make_case(session_factory))["id"]
    client.post(
        f"/api/v1/reference/escort-teams/{world.teams[0]}/availability",
        json={"available": False, "starts_on": world.day.isoformat(), "ends_on": world.day.isoformat()},
        headers=coordinator.headers,
    )
    response = schedule(client, coordinator, hid, team=world.teams[0], **route)
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/escort-team-unavailable"
    assert world.day.isoformat() in response.json()["detail"]

    team = f"/api/v1/reference/escort-teams/{world.teams[1]}"
    response = client.patch(team, json={"is_active": False}, headers=fresh(client, admin, team))
    assert response.status_code == 200, response.text
    response = schedule(client, coordinator, hid, team=world.teams[1], **route)
    assert response.status_code == 409
    assert response.json()["reason"] == "escort_team_inactive"


UNUSABLE = [
    ("closed", "north", 409, "/problems/crossing-not-open"),
    ("unknown", "south", 409, "/problems/crossing-not-open"),
    ("open", "shut", 409, "/problems/handover-point-inactive"),
    ("hours", "north", 422, "/problems/validation-error"),  # the crossing does not lead to that point
]


def test_schedule_route_not_usable_refused_with_reason(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    case_id = make_case(session_factory)
    hid = request_handover(client, coordinator, case_id)["id"]
    for crossing, point, status, kind in UNUSABLE:
        response = schedule(
            client,
            coordinator,
            hid,
            crossing=world.crossings[crossing],
            point=world.points[point],
            team=world.teams[0],
            day=world.day,
            start="14:00",
            end="15:00",
        )
        assert response.status_code == status, (crossing, point, response.text)
        assert response.json()["type"] == kind
    assert case_state(session_factory, case_id)[0] == "released"
    assert client.get(f"/api/v1/handovers/{hid}", headers=coordinator.headers).json()["state"] == "requested"


def test_schedule_window_outside_crossing_hours_refused(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    hid = request_handover(client, coordinator, make_case(session_factory))["id"]
    route = {
        "crossing": world.crossings["hours"],
        "point": world.points["south"],
        "team": world.teams[0],
        "day": world.day,
    }
    response = schedule(client, coordinator, hid, start="09:00", end="10:00", **route)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/window_start"
    assert "between 11:30 and 23:30" in response.json()["errors"][0]["detail"]
    assert schedule(client, coordinator, hid, start="11:30", end="12:30", **route).status_code == 200


def test_schedule_date_in_past_refused(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    hid = request_handover(client, coordinator, make_case(session_factory))["id"]
    response = schedule(
        client,
        coordinator,
        hid,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=border_today() - timedelta(days=1),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/travel_date"


def test_schedule_case_in_wrong_state_refused(client, make_staff, session_factory, db_session):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    case_id = make_case(session_factory)
    hid = request_handover(client, coordinator, case_id)["id"]
    case = db_session.get(Case, case_id)
    case.state, case.outcome, case.outcome_confirmed_at = "searching", None, None
    commit(db_session)
    response = schedule(
        client,
        coordinator,
        hid,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/case-wrong-state"


def test_schedule_twice_refused_and_reschedule_needs_reason(client, make_staff, session_factory):
    world = build_world(session_factory, teams=2)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    booked = scheduled_handover(client, session_factory, coordinator, team=world.teams[0], **route)
    response = schedule(client, coordinator, booked["id"], team=world.teams[0], **route)
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/invalid-transition"
    body = {
        "crossing_id": str(world.crossings["hours"]),
        "point_id": str(world.points["south"]),
        "escort_team_id": str(world.teams[1]),
        "travel_date": (world.day + timedelta(days=1)).isoformat(),
        "window_start": "12:00",
        "window_end": "13:00",
    }
    response = change(client, coordinator, booked["id"], "reschedule", body)
    assert response.status_code == 422
    body["reason"] = "Family flies to Minsk instead"
    response = change(client, coordinator, booked["id"], "reschedule", body)
    assert response.status_code == 200, response.text
    assert response.json()["schedule"]["point"]["code"] == "south"
    options = client.post(
        f"/api/v1/handovers/{booked['id']}/route-options",
        params={"date": world.day.isoformat()},
        headers=coordinator.headers,
    ).json()
    north = next(o for o in options["feasible"] if o["point"]["code"] == "north")
    assert north["point_booked"] == 0  # the old booking was released by the reschedule
