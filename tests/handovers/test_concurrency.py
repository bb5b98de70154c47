"""Concurrent edits of a handover are detected, not overwritten: ETag on reads and changes, If-Match required
(428 without, 412 when stale), and a refused change changes nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from tests.handovers.factories import (
    change,
    handover_url,
    if_match,
    make_case,
    schedule_body,
    scheduled_handover,
)
from tests.reference.factories import build_world


def test_edit_two_coordinators_same_etag_one_wins_other_precondition_failed(client, make_staff, session_factory):
    world = build_world(session_factory)
    first, second = make_staff("coordinator"), make_staff("coordinator")
    booked = scheduled_handover(
        client,
        session_factory,
        first,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    url = handover_url(booked["id"])
    read_by_first = client.get(url, headers=first.headers)
    read_by_second = client.get(url, headers=second.headers)
    tag = read_by_first.headers["ETag"]
    assert tag == read_by_second.headers["ETag"] == f'"{read_by_first.json()["version"]}"'

    won = client.patch(url, json={"notes": "Family arrives by train"}, headers=if_match(first, tag))
    lost = client.patch(url, json={"notes": "Family arrives by car"}, headers=if_match(second, tag))

    assert won.status_code == 200, won.text
    assert won.headers["ETag"] != tag and won.headers["ETag"] == f'"{won.json()["version"]}"'
    assert lost.status_code == 412
    problem = lost.json()
    assert problem["type"] == "/problems/precondition-failed"
    assert problem["errors"] == [{"header": "If-Match", "detail": "does not match the current version"}]
    current = client.get(url, headers=second.headers)
    assert current.json()["notes"] == "Family arrives by train"
    assert current.headers["ETag"] == won.headers["ETag"]
    retried = client.patch(url, json={"notes": "Family arrives by car"}, headers=if_match(second, current.json()))
    assert retried.status_code == 200, retried.text


def test_cancel_and_reschedule_in_parallel_with_same_etag_exactly_one_applies(
    client, make_staff, session_factory, db_session, backend
):
    """Two coordinators act on the same version at the same moment (separate HTTP requests, threads, connections
    and transactions). The handover row lock orders them: the second sees the first one's version and gets 412."""
    world = build_world(session_factory, teams=2)
    canceller, rescheduler = make_staff("coordinator"), make_staff("coordinator")
    route = {"crossing": world.crossings["open"], "point": world.points["north"]}
    booked = scheduled_handover(client, session_factory, canceller, team=world.teams[0], day=world.day, **route)
    url = handover_url(booked["id"])
    later = schedule_body(team=world.teams[1], day=world.day + timedelta(days=1), reason="Family asked", **route)
    requests = [
        (f"{url}/cancel", {"reason": "Family cannot travel"}, if_match(canceller, booked)),
        (f"{url}/reschedule", later, if_match(rescheduler, booked)),
    ]
    barrier = threading.Barrier(len(requests))

    def attempt(index: int):
        path, body, headers = requests[index]
        barrier.wait(timeout=30)
        return client.post(path, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        cancelled, rescheduled = pool.map(attempt, range(len(requests)))

    assert sorted([cancelled.status_code, rescheduled.status_code]) == [200, 412], (cancelled.text, rescheduled.text)
    final = client.get(url, headers=canceller.headers).json()
    history = client.get(f"{url}/schedule-history", headers=canceller.headers).json()
    if cancelled.status_code == 200:
        assert final["state"] == "cancelled" and len(history) == 1
    else:
        assert final["state"] == "scheduled" and final["schedule"]["revision"] == 2 and len(history) == 2
    actions = db_session.execute(
        select(AuditEvent.action).where(
            AuditEvent.target_id == booked["id"], AuditEvent.action.in_(["handover.cancelled", "handover.rescheduled"])
        )
    ).all()
    assert len(actions) == 1


CHANGES = [
    ("patch", "", {"notes": "changed"}),
    ("post", "/travellers", {"full_name": "New Traveller", "relationship": "father"}),
    ("patch", "/travellers/{traveller}", {"full_name": "Renamed Traveller"}),
    ("delete", "/travellers/{traveller}", None),
    ("post", "/schedule", "schedule"),
    ("post", "/reschedule", "reschedule"),
    ("post", "/approve", {}),
    ("post", "/in-transit", {}),
    ("post", "/at-border", {}),
    ("post", "/complete", {"received_by_name": "Olena Testova", "received_by_relationship": "mother"}),
    ("post", "/cancel", {"reason": "Family cannot travel"}),
    ("post", "/fail", {"reason": "Crossing closed on the day"}),
    ("post", "/acknowledge-flag", {"note": "Seen"}),
]


def test_every_handover_change_without_or_with_stale_if_match_refused_and_nothing_changed(
    client, make_staff, session_factory, db_session
):
    world = build_world(session_factory, teams=2)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    route = {"crossing": world.crossings["open"], "point": world.points["north"], "day": world.day}
    booked = scheduled_handover(client, session_factory, coordinator, team=world.teams[0], **route)
    traveller = {"full_name": "Olena Testova", "relationship": "mother", "document_number": "FA123456"}
    assert change(client, coordinator, booked["id"], "travellers", traveller).status_code == 201
    url = handover_url(booked["id"])
    before = client.get(url, headers=supervisor.headers)
    traveller = before.json()["travellers"][0]["id"]
    bodies = {
        "schedule": schedule_body(team=world.teams[1], **route),
        "reschedule": schedule_body(team=world.teams[1], reason="Family asked", **route),
    }
    last_event = db_session.execute(select(func.max(AuditEvent.id))).scalar_one()
    db_session.rollback()

    for method, suffix, body in CHANGES:
        path = url + suffix.format(traveller=traveller)
        json = bodies.get(body, body) if isinstance(body, str) else body
        for headers, status in (
            (supervisor.headers, 428),
            ({**supervisor.headers, "If-Match": ""}, 428),
            (if_match(supervisor, '"0"'), 412),
            (if_match(supervisor, "*"), 412),
            (if_match(supervisor, 'W/"0", "999"'), 412),
        ):
            kwargs = {"headers": headers} if json is None else {"headers": headers, "json": json}
            response = getattr(client, method)(path, **kwargs)
            assert response.status_code == status, (method, path, headers.get("If-Match"), response.text)
            expected = "/problems/precondition-required" if status == 428 else "/problems/precondition-failed"
            assert response.json()["type"] == expected

    after = client.get(url, headers=supervisor.headers)
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.json() == before.json()
    # reads of identity documents are audited; nothing else was written
    new_actions = set(db_session.execute(select(AuditEvent.action).where(AuditEvent.id > last_event)).scalars())
    assert new_actions <= {"handover.traveller_documents_read"}


def test_flag_after_reading_moves_etag_so_acknowledging_needs_fresh_read(client, make_staff, session_factory):
    """A coordinator can acknowledge only the flag they have seen: a newer flag (here a closure recorded after their
    read) moves the version, so the acknowledgement based on the old read is refused."""
    world = build_world(session_factory)
    coordinator = make_staff("coordinator")
    booked = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    url = handover_url(booked["id"])
    seen = client.get(url, headers=coordinator.headers)
    closure = {"state": "closed", "valid_from": world.day.isoformat(), "note": "Bridge repairs"}
    crossing = f"/api/v1/reference/crossings/{world.crossings['open']}"
    crossing_tag = client.get(crossing, headers=coordinator.headers).headers["ETag"]
    response = client.post(f"{crossing}/statuses", json=closure, headers=coordinator.headers)
    assert response.status_code == 201, response.text  # append-only: no If-Match
    assert client.get(crossing, headers=coordinator.headers).headers["ETag"] == crossing_tag

    ack = {"note": "Keeping the date"}
    stale = client.post(f"{url}/acknowledge-flag", json=ack, headers=if_match(coordinator, seen.headers["ETag"]))
    assert stale.status_code == 412
    flagged = client.get(url, headers=coordinator.headers)
    assert flagged.json()["needs_attention"] is True and "Bridge repairs" in flagged.json()["attention_reason"]
    done = client.post(f"{url}/acknowledge-flag", json=ack, headers=if_match(coordinator, flagged.headers["ETag"]))
    assert done.status_code == 200 and done.json()["needs_attention"] is False


def test_request_handover_answers_with_etag_and_location(client, make_staff, session_factory):
    coordinator = make_staff("coordinator")
    response = client.post(
        "/api/v1/handovers",
        json={"case_id": str(make_case(session_factory)), "type": "release_to_family"},
        headers=coordinator.headers,
    )
    assert response.status_code == 201
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    assert response.headers["Location"] == handover_url(response.json()["id"])
