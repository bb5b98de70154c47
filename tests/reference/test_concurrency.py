"""Concurrent edits of reference data are detected, not overwritten: hubs, crossings, points (and their capacity)
and teams carry an ETag; edits and deletes need it in If-Match (428 without, 412 when stale, nothing changed)."""

from __future__ import annotations

from tests.reference.factories import build_world, fresh, if_match

BASE = "/api/v1/reference"


def test_edit_hub_two_admins_same_etag_one_wins_other_precondition_failed(client, make_staff, session_factory):
    world = build_world(session_factory, teams=1)
    first, second = make_staff("admin"), make_staff("admin")
    url = f"{BASE}/hubs/{world.hubs['kaliningrad']}"
    read = client.get(url, headers=first.headers)
    assert read.headers["ETag"] == f'"{read.json()["version"]}"'

    won = client.patch(url, json={"name_en": "Königsberg"}, headers=if_match(first, read.headers["ETag"]))
    lost = client.patch(url, json={"name_en": "Kaliningrad City"}, headers=if_match(second, read.headers["ETag"]))

    assert won.status_code == 200 and won.headers["ETag"] != read.headers["ETag"]
    assert lost.status_code == 412
    assert lost.json()["type"] == "/problems/precondition-failed"
    assert client.get(url, headers=second.headers).json()["name_en"] == "Königsberg"


def test_set_capacity_two_coordinators_same_etag_one_wins_other_precondition_failed(
    client, make_staff, session_factory
):
    world = build_world(session_factory, teams=1)
    first, second = make_staff("coordinator"), make_staff("supervisor")
    url = f"{BASE}/handover-points/{world.points['north']}"
    tag = client.get(url, headers=first.headers).headers["ETag"]

    won = client.put(f"{url}/capacity", json={"daily_capacity": 4}, headers=if_match(first, tag))
    lost = client.put(f"{url}/capacity", json={"daily_capacity": 7}, headers=if_match(second, tag))

    assert won.status_code == 200, won.text
    assert won.headers["ETag"] == f'"{won.json()["version"]}"' != tag
    assert lost.status_code == 412
    assert client.get(url, headers=second.headers).json()["daily_capacity"] == 4


def test_reference_change_without_if_match_precondition_required_and_nothing_changed(
    client, make_staff, session_factory
):
    world = build_world(session_factory, teams=1)
    admin = make_staff("admin")
    records = {
        f"{BASE}/hubs/{world.hubs['minsk']}": {"name_en": "Mensk"},
        f"{BASE}/crossings/{world.crossings['unknown']}": {"taxi_minutes": 5},
        f"{BASE}/handover-points/{world.points['shut']}": {"name": "Renamed"},
        f"{BASE}/escort-teams/{world.teams[0]}": {"name": "Renamed"},
    }
    for url, patch in records.items():
        before = client.get(url, headers=admin.headers)
        attempts = [("patch", url, patch), ("delete", url, None)]
        if "handover-points" in url:
            attempts.append(("put", f"{url}/capacity", {"daily_capacity": 9}))
        for method, path, body in attempts:
            for headers, status in ((admin.headers, 428), (if_match(admin, '"0"'), 412)):
                kwargs = {"headers": headers} if body is None else {"headers": headers, "json": body}
                response = getattr(client, method)(path, **kwargs)
                assert response.status_code == status, (method, path, response.text)
        after = client.get(url, headers=admin.headers)
        assert after.status_code == 200 and after.headers["ETag"] == before.headers["ETag"]
        assert after.json() == before.json()


def test_changing_only_links_or_members_moves_etag(client, make_staff, session_factory):
    """Crossings of a point and members of a team are part of the record: changing only them moves its version,
    so an editor holding the old ETag cannot silently undo them."""
    world = build_world(session_factory, teams=1)
    admin, member = make_staff("admin"), make_staff("coordinator")
    point = f"{BASE}/handover-points/{world.points['shut']}"
    before = client.get(point, headers=admin.headers)
    links = [{"crossing_id": str(world.crossings["open"]), "escort_minutes": 25}]
    response = client.patch(point, json={"crossings": links}, headers=if_match(admin, before.headers["ETag"]))
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] != before.headers["ETag"]
    same = client.patch(point, json={"crossings": links}, headers=if_match(admin, response.headers["ETag"]))
    assert same.headers["ETag"] == response.headers["ETag"]  # nothing changed, nothing moved
    stale = client.patch(point, json={"crossings": []}, headers=if_match(admin, before.headers["ETag"]))
    assert stale.status_code == 412

    team = f"{BASE}/escort-teams/{world.teams[0]}"
    tag = client.get(team, headers=admin.headers).headers["ETag"]
    response = client.patch(
        team, json={"members": [{"user_id": member.id, "role": "lead"}]}, headers=if_match(admin, tag)
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] != tag


def test_create_answers_with_etag_and_location_and_appends_need_no_if_match(client, make_staff, session_factory):
    world = build_world(session_factory, teams=1)
    admin, coordinator = make_staff("admin"), make_staff("coordinator")
    created = client.post(f"{BASE}/escort-teams", json={"code": "t-new", "name": "New team"}, headers=admin.headers)
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    assert client.get(created.headers["Location"], headers=admin.headers).json()["id"] == created.json()["id"]

    team = f"{BASE}/escort-teams/{world.teams[0]}"
    tag = client.get(team, headers=coordinator.headers).headers["ETag"]
    entry = {"available": False, "starts_on": world.day.isoformat(), "ends_on": world.day.isoformat()}
    assert client.post(f"{team}/availability", json=entry, headers=coordinator.headers).status_code == 201
    assert client.get(team, headers=coordinator.headers).headers["ETag"] == tag
    assert client.delete(team, headers=fresh(client, admin, team)).status_code == 204
