from datetime import UTC, datetime, timedelta

import pytest

from app.portal.views import status_key
from tests.portal.factories import add_contact, make_family
from tests.portal.helpers import arrange, sign_in

STATES = [
    ("open", None, "received", "We have received your inquiry"),
    ("searching", None, "searching", "We are searching the lists"),
    ("match_proposed", None, "searching", "We are searching the lists"),
    ("in_captivity", "in_captivity", "in_captivity", "He is held as a prisoner of war. He is alive."),
    ("released", "released", "released", "He has been released"),
    ("not_found", "not_found", "not_found", "We have not found him in the lists so far"),
    ("deceased", "deceased", "deceased", "We are deeply sorry"),
    ("family_informed", "in_captivity", "in_captivity", "He is held as a prisoner of war. He is alive."),
    ("family_informed", "deceased", "deceased", "We are deeply sorry"),
    ("handover_planned", "released", "handover_planned", "His return to the family is being arranged"),
    ("handover_planned", "deceased", "deceased", "We are deeply sorry"),
    ("handover_done", "released", "handover_done", "He has been handed over to his family"),
    ("closed", "not_found", "not_found", "We have not found him in the lists so far"),
    ("closed", None, "closed", "This case is closed"),
]


@pytest.mark.parametrize(("state", "outcome", "key", "headline"), STATES)
def test_status_key_each_state_plain_words(state, outcome, key, headline):
    class FakeCase:
        pass

    case = FakeCase()
    case.state, case.outcome = state, outcome
    assert status_key(case) == key


def test_status_api_each_state_headline(client, session_factory, backend):
    """One database for every state (each case its own family), signing in as each in turn."""
    families = arrange(
        session_factory, lambda s: [make_family(s, state=state, outcome=outcome) for state, outcome, *_ in STATES]
    )
    for (case, _, code), (_state, _outcome, key, headline) in zip(families, STATES, strict=True):
        client.cookies.clear()
        sign_in(client, case.reference, code)
        data = client.get("/api/v1/portal/case", params={"lang": "en"}).json()
        if key == "deceased":  # nobody has told this requester yet: the disclosure gate holds the news back
            key, headline = "important_news", "We have important news about your case"
        assert (data["status"], data["headline"]) == (key, headline)
        assert data["explanation"] and data["next_steps"] and data["contacts"]["phone"]


def test_deceased_not_yet_told_asks_to_call_and_offers_contacts(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="deceased", outcome="deceased"))
    sign_in(client, case.reference, code)
    page = client.get(f"/portal/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "We have important news about your case" in page and "or we will call you" in page
    assert "We are deeply sorry" not in page
    assert 'href="tel:' in page


def test_deceased_after_notification_call_says_when_staff_told_them(client, session_factory, backend):
    def build(session):
        case, inquiry, code = make_family(session, state="family_informed", outcome="deceased")
        add_contact(
            session,
            case,
            inquiry_id=inquiry.id,
            channel="phone",
            purpose="death_notification",
            visible_to_family=False,
            summary="Informed the mother",
            occurred_at=datetime.now(UTC) + timedelta(minutes=1),
        )
        return case, code

    case, code = arrange(session_factory, build)
    sign_in(client, case.reference, code)
    data = client.get("/api/v1/portal/case", params={"lang": "ru"}).json()
    assert data["deceased"] is True and data["staff_called_at"] is not None
    assert data["next_steps"][0].startswith("Сотрудник сообщил вам об этом по телефону")
    assert "Informed the mother" not in str(data)


def test_family_informed_state_alone_claims_no_conversation(client, session_factory, backend):
    """The state says `family_informed`, but the contact log holds no notification with this requester."""
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="family_informed", outcome="deceased"))
    sign_in(client, case.reference, code)
    data = client.get("/api/v1/portal/case", params={"lang": "en"}).json()
    assert data["deceased"] is False and data["status"] == "important_news"
    assert "spoken with you" not in str(data)


def test_status_in_each_language_is_translated(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="searching"))
    sign_in(client, case.reference, code)
    headlines = {
        lang: client.get("/api/v1/portal/case", params={"lang": lang}).json()["headline"] for lang in ("ru", "uk", "en")
    }
    assert headlines == {
        "ru": "Мы ищем его в списках",
        "uk": "Ми шукаємо його в списках",
        "en": "We are searching the lists",
    }
