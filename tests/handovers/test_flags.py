"""Acceptance 2: a crossing's status change flags exactly the handovers scheduled through it in that range."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
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


def test_close_crossing_for_range_flags_exactly_scheduled_handovers_in_range(
    client, make_staff, session_factory, db_session
):
    world = build_world(session_factory, teams=6, north_capacity=5)
    coordinator, admin = make_staff("coordinator"), make_staff("admin")
    day = world.day
    open_x, hours_x = world.crossings["open"], world.crossings["hours"]
    north, south = world.points["north"], world.points["south"]

    def book(team: int, crossing, point, when, start="10:00", end="12:00"):
        return scheduled_handover(
            client,
            session_factory,
            coordinator,
            crossing=crossing,
            point=point,
            team=world.teams[team],
            day=when,
            start=start,
            end=end,
        )

    inside = book(0, open_x, north, day)
    inside_later = book(1, open_x, north, day + timedelta(days=2))
    after_range = book(2, open_x, north, day + timedelta(days=4))
    other_crossing = book(3, hours_x, south, day, start="14:00", end="15:00")
    cancelled = book(4, open_x, north, day + timedelta(days=1))
    assert change(client, coordinator, cancelled["id"], "cancel", {"reason": "plans changed"}).status_code == 200

    response = client.post(
        f"/api/v1/reference/crossings/{open_x}/statuses",
        json={
            "state": "closed",
            "valid_from": day.isoformat(),
            "valid_until": (day + timedelta(days=3)).isoformat(),
            "note": "Closed by the border guard",
        },
        headers=coordinator.headers,
    )

    assert response.status_code == 201, response.text
    assert sorted(response.json()["affected_handovers"]) == sorted([inside["id"], inside_later["id"]])
    flagged = client.get("/api/v1/handovers", params={"needs_attention": "true"}, headers=admin.headers)
    assert flagged.status_code == 403  # admins do no case work
    flagged = client.get("/api/v1/handovers", params={"needs_attention": "true"}, headers=coordinator.headers)
    assert {h["id"] for h in flagged.json()["items"]} == {inside["id"], inside_later["id"]}
    detail = client.get(f"/api/v1/handovers/{inside['id']}", headers=coordinator.headers).json()
    assert "closed" in detail["attention_reason"] and "Closed by the border guard" in detail["attention_reason"]
    for untouched in (after_range, other_crossing, cancelled):
        assert (
            client.get(f"/api/v1/handovers/{untouched['id']}", headers=coordinator.headers).json()["needs_attention"]
            is False
        )
    assert case_state(session_factory, inside["case_id"])[1] is True
    assert case_state(session_factory, after_range["case_id"])[1] is False
    commit(db_session)
    flagged_events = db_session.execute(
        select(AuditEvent.target_id).where(AuditEvent.action == "handover.flagged")
    ).scalars()
    assert sorted(flagged_events) == sorted([inside["id"], inside_later["id"]])


def test_open_status_entry_flags_nothing_and_reschedule_clears_flag(client, make_staff, session_factory):
    world = build_world(session_factory, teams=2)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    booked = scheduled_handover(client, session_factory, coordinator, team=world.teams[0], **route)
    response = client.post(
        f"/api/v1/reference/crossings/{world.crossings['open']}/statuses",
        json={"state": "open", "valid_from": world.day.isoformat()},
        headers=coordinator.headers,
    )
    assert response.json()["affected_handovers"] == []
    client.post(
        f"/api/v1/reference/crossings/{world.crossings['open']}/statuses",
        json={
            "state": "restricted",
            "valid_from": world.day.isoformat(),
            "valid_until": world.day.isoformat(),
            "note": "Long queues",
        },
        headers=coordinator.headers,
    )
    assert client.get(f"/api/v1/handovers/{booked['id']}", headers=coordinator.headers).json()["needs_attention"]
    body = {
        "crossing_id": str(world.crossings["open"]),
        "point_id": str(world.points["north"]),
        "escort_team_id": str(world.teams[0]),
        "travel_date": world.day.isoformat(),
        "window_start": "13:00",
        "window_end": "14:00",
        "reason": "Later window because of queues",
    }
    response = change(client, coordinator, booked["id"], "reschedule", body)
    assert response.status_code == 200, response.text
    assert response.json()["needs_attention"] is False
    history = client.get(f"/api/v1/handovers/{booked['id']}/schedule-history", headers=coordinator.headers).json()
    assert [h["revision"] for h in history] == [1, 2]
    assert history[0]["superseded_reason"] == "Later window because of queues"
    assert history[1]["superseded_at"] is None


def test_escort_unavailability_flags_team_handovers_on_those_days(client, make_staff, session_factory):
    world = build_world(session_factory, teams=2)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"]}
    mine = scheduled_handover(client, session_factory, coordinator, team=world.teams[0], day=world.day, **route)
    scheduled_handover(client, session_factory, coordinator, team=world.teams[1], day=world.day, **route)
    response = client.post(
        f"/api/v1/reference/escort-teams/{world.teams[0]}/availability",
        json={"available": False, "starts_on": world.day.isoformat(), "ends_on": world.day.isoformat(), "note": "ill"},
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["affected_handovers"] == [mine["id"]]


def test_deactivate_point_flags_its_handovers_and_keeps_used_links(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator, admin = make_staff("coordinator"), make_staff("admin")
    booked = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    north = f"/api/v1/reference/handover-points/{world.points['north']}"
    response = client.patch(north, json={"crossings": []}, headers=fresh(client, admin, north))
    assert response.status_code == 409
    response = client.patch(north, json={"is_active": False}, headers=fresh(client, admin, north))
    assert response.status_code == 200, response.text
    assert response.headers["X-Affected-Handovers"] == booked["id"]
    detail = client.get(f"/api/v1/handovers/{booked['id']}", headers=coordinator.headers).json()
    assert detail["needs_attention"] is True
    response = change(client, coordinator, booked["id"], "acknowledge-flag", {"note": "Point reopens before the date"})
    assert response.status_code == 200 and response.json()["needs_attention"] is False


def test_lower_capacity_below_bookings_flags_exactly_overbooked_days_and_refuses_new(
    client, make_staff, session_factory, db_session
):
    """Cutting a point's daily capacity keeps the bookings already made and flags every open handover on each day
    now over capacity (the coordinator decides which to move); days within the new capacity are untouched, and new
    bookings beyond it are refused at once."""
    world = build_world(session_factory, teams=6, north_capacity=3)
    coordinator = make_staff("coordinator")
    day, next_day = world.day, world.day + timedelta(days=1)
    route = {"crossing": world.crossings["open"], "point": world.points["north"]}

    def book(team: int, when):
        return scheduled_handover(client, session_factory, coordinator, team=world.teams[team], day=when, **route)

    full_day = [book(0, day), book(1, day), book(2, day)]
    within = book(3, next_day)
    point = f"/api/v1/reference/handover-points/{world.points['north']}"

    response = client.put(f"{point}/capacity", json={"daily_capacity": 1}, headers=fresh(client, coordinator, point))

    assert response.status_code == 200, response.text
    assert response.json()["daily_capacity"] == 1
    assert sorted(response.headers["X-Affected-Handovers"].split(",")) == sorted(h["id"] for h in full_day)
    for handover in full_day:
        detail = client.get(f"/api/v1/handovers/{handover['id']}", headers=coordinator.headers).json()
        assert detail["state"] == "scheduled" and detail["needs_attention"] is True
        reason = detail["attention_reason"]
        assert "capacity lowered to 1" in reason and f"3 handovers are booked on {day}" in reason
        assert "move 2 or raise the capacity again" in reason
        assert case_state(session_factory, handover["case_id"])[1] is True
    untouched = client.get(f"/api/v1/handovers/{within['id']}", headers=coordinator.headers).json()
    assert untouched["needs_attention"] is False

    extra = request_handover(client, coordinator, make_case(session_factory))
    response = schedule(client, coordinator, extra["id"], team=world.teams[4], day=next_day, **route)
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/handover-point-full"
    assert response.json()["capacity"] == 1 and response.json()["booked"] == 1

    raised = client.put(f"{point}/capacity", json={"daily_capacity": 5}, headers=fresh(client, coordinator, point))
    assert raised.status_code == 200 and "X-Affected-Handovers" not in raised.headers
    commit(db_session)
    event = (
        db_session.execute(
            select(AuditEvent).where(AuditEvent.action == "reference.point_capacity_changed").order_by(AuditEvent.id)
        )
        .scalars()
        .first()
    )
    assert event.details["changes"]["daily_capacity"] == {"old": 3, "new": 1}
    assert sorted(event.details["affected_handovers"]) == sorted(h["id"] for h in full_day)


def test_admin_lowering_capacity_by_patch_flags_like_capacity_endpoint(client, make_staff, session_factory):
    world = build_world(session_factory, teams=2, north_capacity=2)
    coordinator, admin = make_staff("coordinator"), make_staff("admin")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    booked = [
        scheduled_handover(client, session_factory, coordinator, team=world.teams[index], **route) for index in (0, 1)
    ]
    point = f"/api/v1/reference/handover-points/{world.points['north']}"
    response = client.patch(point, json={"daily_capacity": 1}, headers=fresh(client, admin, point))
    assert response.status_code == 200, response.text
    assert sorted(response.headers["X-Affected-Handovers"].split(",")) == sorted(h["id"] for h in booked)
