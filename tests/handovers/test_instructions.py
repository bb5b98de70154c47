"""Acceptance 6: travel instructions render in ru, uk and en, as JSON, as a printable page and as a PDF; family-safe."""

from __future__ import annotations

import io
import uuid

import pypdf
import pytest

from app.handovers import pdf
from app.handovers.instructions import travel_instructions_for_case
from tests.handovers.factories import change, fresh, handover_url, make_case, request_handover, scheduled_handover
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
    traveller = {"full_name": "Olena Testova", "relationship": "mother", "document_number": "FA999888"}
    assert change(client, coordinator, handover["id"], "travellers", traveller).status_code == 201
    url = handover_url(handover["id"])
    edited = client.patch(
        url,
        json={"notes": "internal: escort lead phone +48 600 000 001", "documents_note": "Bring the ministry letter."},
        headers=fresh(client, coordinator, url),
    )
    assert edited.status_code == 200, edited.text
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


def test_travel_instructions_for_case_returns_family_safe_schema(client, make_staff, scheduled, session_factory):
    handover, _ = scheduled
    with session_factory() as session:
        unapproved = travel_instructions_for_case(session, uuid.UUID(handover["case_id"]), "ru")
    assert unapproved is None  # the family sees no plan that no supervisor approved
    approved = change(client, make_staff("supervisor"), handover["id"], "approve", {"note": "ok"})
    assert approved.status_code == 200, approved.text
    with session_factory() as session:
        found = travel_instructions_for_case(session, uuid.UUID(handover["case_id"]), "ru")
        nothing = travel_instructions_for_case(session, uuid.uuid4(), "en")
    assert nothing is None
    assert found is not None and found.language == "ru"
    dumped = found.model_dump_json()
    for secret in ("Olena Testova", "FA999888", "internal:", "Escort team 0", "Test point north"):
        assert secret not in dumped


CYRILLIC_CROSSING = {"name_ru": "Мамоново", "name_uk": "Мамонове", "name_en": "Mamonovo", "name_pl": "Grzechotki"}
PDF_EXPECTED = {
    "ru": ("Мамоново – Grzechotki", "Калининград", "Передача: как добраться", "Какие документы взять с собой"),
    "uk": ("Мамонове – Grzechotki", "Калінінград", "Передача: як дістатися", "Які документи взяти з собою"),
    "en": ("Mamonovo – Grzechotki", "Kaliningrad", "Handover: travel instructions", "Documents to bring"),
}


def _pdf_text(body: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


def test_instructions_pdf_renders_each_language_with_cyrillic_crossing_name(
    client, make_staff, session_factory, scheduled
):
    handover, coordinator = scheduled
    admin = make_staff("admin")
    crossing = f"/api/v1/reference/crossings/{handover['schedule']['crossing']['id']}"
    renamed = client.patch(crossing, json=CYRILLIC_CROSSING, headers=fresh(client, admin, crossing))
    assert renamed.status_code == 200, renamed.text

    path = f"/api/v1/handovers/{handover['id']}/instructions.pdf"
    for language, (crossing_name, hub, title, documents) in PDF_EXPECTED.items():
        response = client.get(path, params={"lang": language}, headers=coordinator.headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-language"] == language
        filename = f"travel-instructions-{handover['case_reference']}-{language}.pdf"
        assert filename in response.headers["content-disposition"]
        assert response.content.startswith(b"%PDF-")
        text, reader = _pdf_text(response.content)
        for expected in (crossing_name, hub, title, documents, handover["case_reference"], "+48 22 123 45 67"):
            assert expected in text, (language, expected, text)
        assert "Bring the ministry letter." in text
        assert reader.trailer["/Root"]["/Lang"] == language
        assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
        for secret in ("Olena Testova", "FA999888", "internal:", "+48 600", "Escort team 0", "Test point north"):
            assert secret not in text


def test_instructions_pdf_same_permissions_as_page(client, make_staff, scheduled):
    handover, _ = scheduled
    path = f"/api/v1/handovers/{handover['id']}/instructions.pdf"
    assert client.get(path, params={"lang": "en"}, headers=make_staff("auditor").headers).status_code == 200
    assert client.get(path, params={"lang": "en"}, headers=make_staff("operator").headers).status_code == 403
    assert client.get(path, params={"lang": "en"}).status_code == 401
    missing = client.get(f"/api/v1/handovers/{uuid.uuid4()}/instructions.pdf", headers=make_staff("auditor").headers)
    assert missing.status_code == 404


def test_instructions_pdf_without_fonts_service_unavailable(client, scheduled, monkeypatch, tmp_path):
    handover, coordinator = scheduled
    monkeypatch.setattr(pdf, "FONT_DIRS", (tmp_path,))
    response = client.get(f"/api/v1/handovers/{handover['id']}/instructions.pdf", headers=coordinator.headers)
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/pdf-unavailable"
    page = client.get(f"/api/v1/handovers/{handover['id']}/instructions.html", headers=coordinator.headers)
    assert page.status_code == 200
