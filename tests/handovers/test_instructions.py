"""Acceptance 6: travel instructions render in ru, uk and en, as JSON and as a printable page; family-safe."""

from __future__ import annotations

import uuid

import pytest

from app.handovers.instructions import travel_instructions_for_case
from tests.handovers.factories import make_case, request_handover, scheduled_handover
from tests.reference.factories import build_world

EXPECTED = {
    "ru": ("Передача: как добраться", "Какие документы взять с собой", "Калининград"),
    "uk": ("Передача: як дістатися", "Які документи взяти з собою", "Калінінград"),
    "en": ("Handover: travel instructions", "Documents to bring", "Kaliningrad"),
}


@pytest.fixture
def scheduled(client, make_staff, session_factory):
    world = build_world(session_factory)
    coordinator = make_staff("coordinator", username="coordinator-ivanova")
    handover = scheduled_handover(
        client,
        session_factory,
        coordinator,
        crossing=world.crossings["open"],
        point=world.points["north"],
        team=world.teams[0],
        day=world.day,
    )
    client.post(
        f"/api/v1/handovers/{handover['id']}/travellers",
        json={"full_name": "Olena Testova", "relationship": "mother", "document_number": "FA999888"},
        headers=coordinator.headers,
    )
    client.patch(
        f"/api/v1/handovers/{handover['id']}",
        json={"notes": "internal: escort lead phone +48 600 000 001", "documents_note": "Bring the ministry letter."},
        headers=coordinator.headers,
    )
    return handover, coordinator


def test_instructions_render_in_each_language_json_and_html(client, scheduled):
    handover, coordinator = scheduled
    for language in ("ru", "uk", "en"):
        _check_language(client, handover, coordinator, language)


def _check_language(client, handover, coordinator, language):
    title, documents_heading, hub = EXPECTED[language]

    response = client.get(
        f"/api/v1/handovers/{handover['id']}/instructions", params={"lang": language}, headers=coordinator.headers
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["language"] == language and data["title"] == title
    assert data["hub_name"] == hub
    assert data["case_reference"] == handover["case_reference"]
    assert data["travel_date"] == handover["schedule"]["travel_date"]
    assert data["window_label"].startswith("10:00–12:00")
    assert [(c["phone"], c["phone_display"]) for c in data["contacts"]] == [("+48221234567", "+48 22 123 45 67")]
    assert len(data["documents"]) == 4 and data["documents_note"] == "Bring the ministry letter."
    assert data["labels"]["documents"] == documents_heading

    page = client.get(
        f"/api/v1/handovers/{handover['id']}/instructions.html", params={"lang": language}, headers=coordinator.headers
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f'<html lang="{language}">' in page.text
    assert title in page.text and documents_heading in page.text and handover["case_reference"] in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in page.text
    for secret in ("Olena Testova", "FA999888", "internal:", "+48 600", "Escort team 0", "coordinator-ivanova"):
        assert secret not in page.text and secret not in response.text


def test_instructions_language_from_accept_language(client, scheduled):
    handover, coordinator = scheduled
    response = client.get(
        f"/api/v1/handovers/{handover['id']}/instructions",
        headers={**coordinator.headers, "Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"},
    )
    assert response.json()["language"] == "uk"


def test_instructions_before_scheduling_conflict(client, make_staff, session_factory):
    coordinator = make_staff("coordinator")
    hid = request_handover(client, coordinator, make_case(session_factory))["id"]
    response = client.get(f"/api/v1/handovers/{hid}/instructions", params={"lang": "en"}, headers=coordinator.headers)
    assert response.status_code == 409


def test_travel_instructions_for_case_returns_family_safe_schema(scheduled, session_factory):
    handover, _ = scheduled
    with session_factory() as session:
        found = travel_instructions_for_case(session, uuid.UUID(handover["case_id"]), "ru")
        nothing = travel_instructions_for_case(session, uuid.uuid4(), "en")
    assert nothing is None
    assert found is not None and found.language == "ru"
    dumped = found.model_dump_json()
    for secret in ("Olena Testova", "FA999888", "internal:", "Escort team 0", "Test point north"):
        assert secret not in dumped
