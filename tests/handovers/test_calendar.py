"""Acceptance 5: iCalendar feeds parse back with `icalendar` and with `vobject`, hold exactly the team's
handovers, and a revoked token answers 404."""

from __future__ import annotations

from urllib.parse import urlsplit

import icalendar
import vobject

from tests.handovers.factories import change, scheduled_handover
from tests.reference.factories import build_world


def _uids_icalendar(body: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def _uids_vobject(body: bytes) -> tuple[set[str], list]:
    calendar = vobject.readOne(body.decode("utf-8"))
    events = list(getattr(calendar, "vevent_list", []))
    return {e.uid.value for e in events}, events


def test_escort_team_feed_parses_with_two_libraries_and_holds_exactly_team_handovers(
    client, make_staff, session_factory
):
    world = build_world(session_factory, north_capacity=5)
    coordinator = make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    team_a, team_b = world.teams[0], world.teams[1]
    first = scheduled_handover(client, session_factory, coordinator, team=team_a, start="09:00", end="10:00", **route)
    second = scheduled_handover(client, session_factory, coordinator, team=team_a, start="13:00", end="14:00", **route)
    scheduled_handover(client, session_factory, coordinator, team=team_b, start="09:00", end="10:00", **route)
    cancelled = scheduled_handover(
        client, session_factory, coordinator, team=team_a, start="16:00", end="17:00", **route
    )
    assert change(client, coordinator, cancelled["id"], "cancel", {"reason": "called off"}).status_code == 200

    response = client.post(
        "/api/v1/calendar-feeds",
        json={"kind": "escort_team", "escort_team_id": str(team_a), "label": "Team A"},
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    path = urlsplit(created["url"]).path
    feed = client.get(path)  # no Authorization header: the token in the URL is the credential

    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    expected = {f"handover-{first['id']}@pow-liaison", f"handover-{second['id']}@pow-liaison"}
    assert _uids_icalendar(feed.content) == expected
    uids, events = _uids_vobject(feed.content)
    assert uids == expected
    by_uid = {e.uid.value: e for e in events}
    event = by_uid[f"handover-{first['id']}@pow-liaison"]
    assert event.dtend.value.isoformat() == first["schedule"]["window_end"].replace("Z", "+00:00")
    assert event.dtstart.value.isoformat() == first["schedule"]["escort_meets_at"].replace("Z", "+00:00")
    assert first["case_reference"] in event.summary.value
    listed = client.get("/api/v1/calendar-feeds", params={"escort_team_id": str(team_a)}, headers=coordinator.headers)
    assert [f["id"] for f in listed.json()] == [created["id"]]
    assert "url" not in listed.json()[0]

    response = client.post(f"/api/v1/calendar-feeds/{created['id']}/revoke", headers=coordinator.headers)
    assert response.status_code == 200, response.text
    assert client.get(path).status_code == 404
    assert client.get("/api/v1/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_point_feed_lists_handovers_at_point_without_traveller_details(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    at_north = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["hours"],
        point=world.points["south"],
        team=world.teams[1],
        day=world.day,
        start="14:00",
        end="15:00",
    )
    traveller = {"full_name": "Secret Traveller", "relationship": "mother", "document_number": "AB1234567"}
    assert change(client, coordinator, at_north["id"], "travellers", traveller).status_code == 201
    created = client.post(
        "/api/v1/calendar-feeds",
        json={"kind": "handover_point", "point_id": str(world.points["north"]), "label": "North"},
        headers=coordinator.headers,
    ).json()
    body = client.get(urlsplit(created["url"]).path).content
    assert _uids_icalendar(body) == {f"handover-{at_north['id']}@pow-liaison"}
    assert _uids_vobject(body)[0] == {f"handover-{at_north['id']}@pow-liaison"}
    assert b"Secret Traveller" not in body and b"AB1234567" not in body


def test_create_feed_needs_manage_permission_and_valid_target(client, make_staff, session_factory):
    world = build_world(session_factory)
    auditor, coordinator = make_staff("auditor"), make_staff("coordinator")
    body = {"kind": "escort_team", "escort_team_id": str(world.teams[0]), "label": "A"}
    assert client.post("/api/v1/calendar-feeds", json=body, headers=auditor.headers).status_code == 403
    bad = {"kind": "escort_team", "point_id": str(world.points["north"]), "label": "A"}
    assert client.post("/api/v1/calendar-feeds", json=bad, headers=coordinator.headers).status_code == 422
