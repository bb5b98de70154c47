"""Words that fit the family: only messages written for the family reach the portal, in their language, from a
library of reviewed templates; their own words are in the history; times carry their zone; dates of birth as
families write them; a mistyped reference is named as such."""

from __future__ import annotations

from tests.portal.factories import make_family
from tests.portal.helpers import arrange, csrf_from, read, sign_in


def _family(session_factory, **values):
    return arrange(session_factory, lambda s: make_family(s, state="searching", **values))


def test_staff_note_in_contact_log_never_reaches_the_family_but_a_family_message_does(
    client, session_factory, make_staff, backend
):
    case, inquiry, code = _family(session_factory, requester_language="ru", requester_country="RU")
    operator = make_staff("operator")
    logged = client.post(
        f"/api/v1/cases/{case.reference}/contacts",
        json={
            "direction": "outbound",
            "channel": "phone",
            "summary": "CANARY staff note: mother sounded upset",
            "inquiry_id": str(inquiry.id),
            "visible_to_family": True,
        },
        headers=operator.headers,
    )
    assert logged.status_code == 422 and logged.json()["errors"][0]["pointer"] == "#/visible_to_family"
    url = f"/api/v1/cases/{case.reference}/family-messages"
    wrong = client.post(
        url, json={"language": "en", "inquiry_id": str(inquiry.id), "text": "Hello"}, headers=operator.headers
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "#/language"
    sent = client.post(
        url,
        json={"language": "ru", "inquiry_id": str(inquiry.id), "template": "still_searching"},
        headers=operator.headers,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["text"].startswith("Мы продолжаем проверять списки.")

    sign_in(client, case.reference, code)
    page = client.get(f"/portal/cases/{case.reference}").text
    data = client.get("/api/v1/portal/case", params={"lang": "ru"}).json()
    assert "CANARY staff note" not in page and "CANARY staff note" not in str(data)
    assert [m["text"][:30] for m in data["messages"]] == [sent.json()["text"][:30]]
    assert "(Москва, GMT+03:00)" in page and data["time_zone"] == "Europe/Moscow"


def test_templates_are_reviewed_in_three_languages_and_recipients_name_their_language(
    client, session_factory, make_staff, backend
):
    case, inquiry, _ = _family(session_factory, requester_language="uk")
    operator = make_staff("operator")
    templates = client.get("/api/v1/family-message-templates", headers=operator.headers).json()
    assert len(templates) >= 4
    for template in templates:
        assert set(template["texts"]) == {"ru", "uk", "en"} and all(template["texts"].values())
    recipients = client.get(
        f"/api/v1/cases/{case.reference}/family-messages/recipients", headers=operator.headers
    ).json()
    assert recipients == [
        {"inquiry_id": str(inquiry.id), "relationship": "mother", "language": "uk", "email_updates": False}
    ]


def test_ukrainian_family_sees_kyiv_time_and_their_own_online_inquiry(client, session_factory, backend):
    case, _, code = _family(
        session_factory, channel="web", requester_language="uk", message_body="CANARY-OWN-WORDS: he wrote last in May"
    )
    sign_in(client, case.reference, code)
    page = client.get(f"/portal/cases/{case.reference}", headers={"Accept-Language": "uk"}).text
    data = client.get("/api/v1/portal/case", params={"lang": "uk"}).json()
    assert data["messages"][-1]["from_family"] is True
    assert data["messages"][-1]["text"] == "CANARY-OWN-WORDS: he wrote last in May"
    assert "CANARY-OWN-WORDS" in page
    assert "(Київ, GMT+0" in page  # +02:00 in winter, +03:00 in summer
    assert data["time_zone"] == "Europe/Kyiv"


def test_online_inquiry_accepts_dates_of_birth_as_families_write_them(client, session_factory, backend):
    from app.inquiries.models import Inquiry

    body = {
        "requester_name": "Ольга Іваненко",
        "requester_relationship": "mother",
        "requester_phone": "+380 44 123 45 67",
        "requester_language": "uk",
        "consent_store": True,
        "sought_surname": "Іваненко",
    }
    for typed, stored in (("14.03.1999", "1999-03-14"), ("4.3.1999", "1999-03-04"), ("1999-03-14", "1999-03-14")):
        client.cookies.clear()
        created = client.post(
            "/api/v1/portal/inquiries",
            json={**body, "sought_date_of_birth": typed},
            headers={"X-Forwarded-For": typed},
        )
        assert created.status_code == 201, created.text
        found = read(session_factory, lambda s: {i.sought_date_of_birth for i in s.query(Inquiry)})
        assert stored in found
    refused = client.post("/api/v1/portal/inquiries", json={**body, "sought_date_of_birth": "31.02.1999"})
    assert refused.status_code in (422, 429)


def test_mistyped_check_character_is_named_as_such(client, session_factory, backend):
    case, _, code = _family(session_factory)
    last = case.reference[-1]
    typo = case.reference[:-1] + ("A" if last != "A" else "B")
    page = client.get("/portal")
    response = client.post(
        "/portal/sign-in",
        data={"reference": typo, "access_code": code, "csrf_token": csrf_from(page.text)},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The last character of the case reference does not match the others" in response.text
    assert 'id="reference-error"' in response.text
