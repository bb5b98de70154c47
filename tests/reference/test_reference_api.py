"""Reference data API: admins maintain hubs, crossings, points and teams; coordinators statuses, availability
and capacity; everything validated and audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.reference.clock import border_today
from tests.reference.factories import fresh, if_match

HUB = {
    "code": "gdansk",
    "name_ru": "Гданьск",
    "name_uk": "Гданськ",
    "name_en": "Gdansk",
    "country": "PL",
    "time_zone": "Europe/Warsaw",
}


def _crossing(hub_id: str, **extra) -> dict:
    return {
        "code": "test-crossing",
        "hub_id": hub_id,
        "name_ru": "Тест",
        "name_uk": "Тест",
        "name_en": "Test",
        "name_pl": "Testowo",
        "taxi_minutes": 50,
        **extra,
    }


def test_admin_crud_hub_crossing_point_team_audited(client, make_staff, db_session):
    admin, escort = make_staff("admin"), make_staff("coordinator")
    hub = client.post("/api/v1/reference/hubs", json=HUB, headers=admin.headers)
    assert hub.status_code == 201, hub.text
    hub_id = hub.json()["id"]
    crossing = client.post(
        "/api/v1/reference/crossings",
        json=_crossing(hub_id, opens_at="08:00", closes_at="20:00"),
        headers=admin.headers,
    )
    assert crossing.status_code == 201, crossing.text
    assert crossing.json()["status_today"] is None
    crossing_id = crossing.json()["id"]
    point = client.post(
        "/api/v1/reference/handover-points",
        json={
            "code": "p-one",
            "name": "Point One",
            "daily_capacity": 2,
            "duty_phone": "+48 22 123 45 67",
            "crossings": [{"crossing_id": crossing_id, "escort_minutes": 30}],
        },
        headers=admin.headers,
    )
    assert point.status_code == 201, point.text
    assert point.json()["duty_phone"] == "+48221234567"
    assert point.json()["crossings"][0]["crossing_code"] == "test-crossing"
    team = client.post(
        "/api/v1/reference/escort-teams",
        json={"code": "t-one", "name": "Team One", "members": [{"user_id": escort.id, "role": "lead"}]},
        headers=admin.headers,
    )
    assert team.status_code == 201, team.text
    assert team.json()["members"][0]["username"] == escort.user.username

    crossing_url = f"/api/v1/reference/crossings/{crossing_id}"
    response = client.patch(
        crossing_url,
        json={"open_around_the_clock": True, "taxi_minutes": 70},
        headers=if_match(admin, crossing.json()),
    )
    assert response.json()["opens_at"] is None and response.json()["taxi_minutes"] == 70
    hub_url = f"/api/v1/reference/hubs/{hub_id}"
    response = client.patch(hub_url, json={"name_en": "Gdańsk"}, headers=if_match(admin, hub.headers["ETag"]))
    assert response.json()["name_en"] == "Gdańsk"
    assert client.delete(hub_url, headers=fresh(client, admin, hub_url)).status_code == 409
    assert client.delete(crossing_url, headers=fresh(client, admin, crossing_url)).status_code == 409
    point_url = point.headers["Location"]
    assert client.delete(point_url, headers=fresh(client, admin, point_url)).status_code == 204
    assert client.delete(crossing_url, headers=fresh(client, admin, crossing_url)).status_code == 204
    assert client.delete(hub_url, headers=fresh(client, admin, hub_url)).status_code == 204
    team_url = team.headers["Location"]
    assert client.delete(team_url, headers=fresh(client, admin, team_url)).status_code == 204
    assert client.get(f"/api/v1/reference/hubs/{hub_id}", headers=admin.headers).status_code == 404

    actions = set(db_session.execute(select(AuditEvent.action).where(AuditEvent.action.like("reference.%"))).scalars())
    assert {
        "reference.hub_created",
        "reference.crossing_created",
        "reference.point_created",
        "reference.escort_team_created",
        "reference.crossing_updated",
        "reference.hub_updated",
        "reference.point_deleted",
        "reference.crossing_deleted",
        "reference.hub_deleted",
        "reference.escort_team_deleted",
    } <= actions


def test_create_hub_invalid_input_unprocessable(client, make_staff):
    admin = make_staff("admin")
    for patch in ({"time_zone": "Mars/Olympus"}, {"country": "pl"}, {"code": "Bad Code"}, {"unexpected": 1}):
        response = client.post("/api/v1/reference/hubs", json={**HUB, **patch}, headers=admin.headers)
        assert response.status_code == 422, patch
        assert response.json()["errors"]
    assert client.get("/api/v1/reference/hubs", headers=admin.headers).json() == []


def test_create_crossing_invalid_hours_or_hub_unprocessable(client, make_staff):
    admin = make_staff("admin")
    hub_id = client.post("/api/v1/reference/hubs", json=HUB, headers=admin.headers).json()["id"]
    for extra in ({"opens_at": "08:00"}, {"opens_at": "20:00", "closes_at": "08:00"}, {"taxi_minutes": -1}):
        response = client.post("/api/v1/reference/crossings", json=_crossing(hub_id, **extra), headers=admin.headers)
        assert response.status_code == 422, extra
    response = client.post(
        "/api/v1/reference/crossings", json=_crossing("00000000-0000-0000-0000-000000000000"), headers=admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/hub_id"
    assert client.post("/api/v1/reference/hubs", json=HUB, headers=admin.headers).status_code == 409


def test_coordinator_edits_status_availability_capacity_but_not_crud(client, make_staff):
    admin, coordinator, operator = make_staff("admin"), make_staff("coordinator"), make_staff("operator")
    hub_id = client.post("/api/v1/reference/hubs", json=HUB, headers=admin.headers).json()["id"]
    crossing_id = client.post("/api/v1/reference/crossings", json=_crossing(hub_id), headers=admin.headers).json()["id"]
    point_id = client.post(
        "/api/v1/reference/handover-points",
        json={"code": "p-two", "name": "Point Two", "daily_capacity": 1, "duty_phone": "+48221234567"},
        headers=admin.headers,
    ).json()["id"]
    team_id = client.post(
        "/api/v1/reference/escort-teams", json={"code": "t-two", "name": "Team Two"}, headers=admin.headers
    ).json()["id"]
    assert (
        client.post("/api/v1/reference/hubs", json={**HUB, "code": "x1"}, headers=coordinator.headers).status_code
        == 403
    )
    today = border_today()

    response = client.post(
        f"/api/v1/reference/crossings/{crossing_id}/statuses",
        json={"state": "open", "valid_from": (today - timedelta(days=1)).isoformat()},
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    response = client.post(
        f"/api/v1/reference/crossings/{crossing_id}/statuses",
        json={"state": "closed", "valid_from": today.isoformat(), "valid_until": today.isoformat(), "note": "strike"},
        headers=coordinator.headers,
    )
    assert response.status_code == 201
    crossing = client.get(f"/api/v1/reference/crossings/{crossing_id}", headers=operator.headers).json()
    assert crossing["status_today"] == "closed" and crossing["status_note"] == "strike"
    statuses = client.get(f"/api/v1/reference/crossings/{crossing_id}/statuses", headers=operator.headers).json()
    assert [s["state"] for s in statuses] == ["closed", "open"]
    assert (
        client.post(
            f"/api/v1/reference/crossings/{crossing_id}/statuses",
            json={
                "state": "closed",
                "valid_from": today.isoformat(),
                "valid_until": (today - timedelta(days=1)).isoformat(),
            },
            headers=coordinator.headers,
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/reference/crossings/{crossing_id}/statuses",
            json={"state": "open", "valid_from": today.isoformat()},
            headers=operator.headers,
        ).status_code
        == 403
    )

    response = client.post(
        f"/api/v1/reference/escort-teams/{team_id}/availability",
        json={"available": False, "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=3)).isoformat()},
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    listed = client.get(f"/api/v1/reference/escort-teams/{team_id}/availability", headers=operator.headers).json()
    assert listed[0]["available"] is False

    point_url = f"/api/v1/reference/handover-points/{point_id}"
    response = client.put(
        f"{point_url}/capacity", json={"daily_capacity": 4}, headers=fresh(client, coordinator, point_url)
    )
    assert response.status_code == 200 and response.json()["daily_capacity"] == 4
    renamed = client.patch(point_url, json={"name": "Renamed"}, headers=fresh(client, coordinator, point_url))
    assert renamed.status_code == 403


def test_team_members_must_be_active_staff(client, make_staff):
    admin = make_staff("admin")
    response = client.post(
        "/api/v1/reference/escort-teams",
        json={"code": "t-three", "name": "Team", "members": [{"user_id": "00000000-0000-0000-0000-000000000000"}]},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/members/0/user_id"
