"""Travel plans only when they hold: instructions for an approved, scheduled, unflagged handover through a crossing
recorded open that day; a shown plan that is flagged, rescheduled or cancelled turns into "Your travel plan has
changed. Do not travel until we call you" and a call task for staff, until a member of staff records the call."""

from __future__ import annotations

from datetime import timedelta

from tests.handovers.factories import change, handover_url, request_handover, schedule, schedule_body
from tests.portal.factories import make_family
from tests.portal.helpers import arrange, sign_in
from tests.reference.factories import build_world, fresh

CHANGED = "Your travel plan has changed. Do not travel until we call you."


def _released_family(session_factory):
    return arrange(session_factory, lambda s: make_family(s, state="released", outcome="released"))


def _plan(client, session_factory, make_staff, *, approve=True):
    """A released man's case with a handover scheduled (and approved): (world, case, code, handover, staff)."""
    world = build_world(session_factory)
    case, _, code = _released_family(session_factory)
    coordinator, supervisor = make_staff("coordinator"), make_staff("supervisor")
    handover = request_handover(client, coordinator, case.id)
    scheduled = schedule(
        client,
        coordinator,
        handover["id"],
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    assert scheduled.status_code == 200, scheduled.text
    if approve:
        approved = change(client, supervisor, handover["id"], "approve", {"note": "Agreed with the other side"})
        assert approved.status_code == 200, approved.text
    return world, case, code, handover, {"coordinator": coordinator, "supervisor": supervisor}


def _family_view(client, case, code, lang="en"):
    client.cookies.clear()
    sign_in(client, case.reference, code)
    data = client.get("/api/v1/portal/case", params={"lang": lang}).json()
    page = client.get(f"/portal/cases/{case.reference}", headers={"Accept-Language": lang}).text
    return data, page


def _tasks(client, staff, reference):
    response = client.get(f"/api/v1/cases/{reference}/call-tasks", headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_unapproved_scheduled_handover_shows_no_instructions(client, session_factory, make_staff, backend):
    _, case, code, _, _ = _plan(client, session_factory, make_staff, approve=False)
    data, page = _family_view(client, case, code)
    assert data["status"] == "handover_planned"
    assert data["travel_instructions"] is None and data["travel_notice"] is None
    assert "travel instructions" not in page.lower().replace("the travel instructions appear", "")
    assert data["next_steps"] == [
        "When the plan is confirmed, the travel instructions appear on this page. A staff member will call you."
    ]


def test_approved_plan_shows_instructions_with_crossing_status_and_never_internal_details(
    client, session_factory, make_staff, backend
):
    _, case, code, handover, staff = _plan(client, session_factory, make_staff)
    coordinator = staff["coordinator"]
    traveller = change(
        client,
        coordinator,
        handover["id"],
        "travellers",
        {"full_name": "CANARY-TRAVELLER", "relationship": "mother", "document_number": "CANARY-DOC-1"},
    )
    assert traveller.status_code in (200, 201), traveller.text
    url = handover_url(handover["id"])
    noted = client.patch(url, json={"notes": "CANARY-ESCORT-NOTE"}, headers=fresh(client, coordinator, url))
    assert noted.status_code == 200, noted.text
    data, page = _family_view(client, case, code)
    instructions = data["travel_instructions"]
    assert instructions["case_reference"] == case.reference
    assert instructions["crossing_status"] == "open"
    assert instructions["crossing_status_label"].startswith("open (recorded ")
    assert "Handover: travel instructions" in page and "Crossing status on that day" in page
    assert data["next_steps"][0].startswith("Your travel instructions are below.")
    for body in (page, str(data)):
        for canary in ("CANARY-TRAVELLER", "CANARY-DOC-1", "CANARY-ESCORT-NOTE"):
            assert canary not in body


def test_crossing_closure_turns_the_plan_into_a_changed_notice_and_a_call_task(
    client, session_factory, make_staff, backend
):
    world, case, code, handover, staff = _plan(client, session_factory, make_staff)
    assert _family_view(client, case, code)[0]["travel_instructions"] is not None
    closure = {
        "state": "closed",
        "valid_from": world.day.isoformat(),
        "valid_until": world.day.isoformat(),
        "source": "Polish Border Guard notice",
    }
    closed = client.post(
        f"/api/v1/reference/crossings/{world.crossings['open']}/statuses",
        json=closure,
        headers=staff["coordinator"].headers,
    )
    assert closed.status_code == 201, closed.text

    for lang, title in (("en", CHANGED), ("ru", "Ваш план поездки изменился"), ("uk", "Ваш план поїздки змінився")):
        data, page = _family_view(client, case, code, lang)
        assert data["travel_instructions"] is None
        assert data["travel_notice"][0].startswith(title)
        assert title in page
    tasks = _tasks(client, staff["coordinator"], case.reference)
    assert [(t["kind"], t["done_at"], t["handover_id"]) for t in tasks] == [
        ("travel_plan_changed", None, handover["id"])
    ]
    dashboard = client.get("/api/v1/call-tasks", headers=staff["supervisor"].headers).json()
    assert [item["case_reference"] for item in dashboard["items"]] == [case.reference]
    assert client.get("/api/v1/call-tasks", headers=make_staff("operator").headers).status_code == 403

    acknowledged = change(client, staff["coordinator"], handover["id"], "acknowledge-flag", {"note": "Seen"})
    assert acknowledged.status_code == 200, acknowledged.text
    assert _family_view(client, case, code)[0]["travel_notice"] is not None  # still: the call is owed


def test_cancelled_plan_says_do_not_travel_until_the_call_is_recorded(client, session_factory, make_staff, backend):
    _, case, code, handover, staff = _plan(client, session_factory, make_staff)
    cancelled = change(client, staff["coordinator"], handover["id"], "cancel", {"reason": "The exchange was postponed"})
    assert cancelled.status_code == 200, cancelled.text
    data, page = _family_view(client, case, code)
    assert data["travel_instructions"] is None
    assert data["travel_notice"][0] == CHANGED and CHANGED in page
    (task,) = _tasks(client, staff["supervisor"], case.reference)  # coordinators see cases with an open handover
    assert task["kind"] == "travel_plan_cancelled"

    operator = make_staff("operator")
    url = f"/api/v1/cases/{case.reference}/call-tasks/{task['id']}/done"
    done = client.post(url, json={"note": "Called the mother: the exchange is postponed"}, headers=operator.headers)
    assert done.status_code == 200, done.text
    assert done.json()["done_by_id"] == operator.id
    assert client.post(url, json={"note": "again"}, headers=operator.headers).status_code == 409
    data, _ = _family_view(client, case, code)
    assert data["travel_notice"] is None and data["travel_instructions"] is None


def test_rescheduled_plan_waits_for_the_call_before_showing_new_instructions(
    client, session_factory, make_staff, backend
):
    world, case, code, handover, staff = _plan(client, session_factory, make_staff)
    new_day = world.day + timedelta(days=1)
    body = schedule_body(
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=new_day,
        reason="The other side asked for the next day",
    )
    moved = change(client, staff["coordinator"], handover["id"], "reschedule", body)
    assert moved.status_code == 200, moved.text
    data, _ = _family_view(client, case, code)
    assert data["travel_instructions"] is None and data["travel_notice"][0] == CHANGED
    (task,) = _tasks(client, staff["coordinator"], case.reference)
    url = f"/api/v1/cases/{case.reference}/call-tasks/{task['id']}/done"
    called = client.post(url, json={"note": "Told them the new date"}, headers=staff["coordinator"].headers)
    assert called.status_code == 200, called.text
    data, _ = _family_view(client, case, code)
    assert data["travel_notice"] is None
    assert data["travel_instructions"]["travel_date"] == new_day.isoformat()
