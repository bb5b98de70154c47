"""Once a handover is scheduled, the family sees the travel instructions (never the escorts' or travellers' details)."""

from tests.handovers.factories import change, handover_url, request_handover, schedule
from tests.portal.factories import make_family
from tests.portal.helpers import arrange, read, sign_in
from tests.reference.factories import build_world, fresh


def test_scheduled_handover_shows_travel_instructions_to_family(client, session_factory, make_staff, backend):
    world = build_world(session_factory)
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="released", outcome="released"))
    coordinator = make_staff("coordinator")
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
    state = read(session_factory, lambda s: s.get(type(case), case.id).state)
    assert state == "handover_planned"
    sign_in(client, case.reference, code)
    page = client.get(f"/portal/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Handover: travel instructions" in page and "Documents to bring" in page
    data = client.get("/api/v1/portal/case", params={"lang": "ru"}).json()
    assert data["status"] == "handover_planned"
    assert data["travel_instructions"]["case_reference"] == case.reference
    for body in (page, str(data)):
        for canary in ("CANARY-TRAVELLER", "CANARY-DOC-1", "CANARY-ESCORT-NOTE"):
            assert canary not in body
