"""Death is told by a person first: per requester, the portal page and the JSON API say nothing of a confirmed death
until a staff member logs a `death_notification` contact with that requester, or a supervisor releases the news
after repeated attempts to reach them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit import system_actor
from app.audit.models import AuditEvent
from app.cases.models import Case
from app.family_access import service as access
from tests.cases.factories import change, etag, move
from tests.portal.factories import make_family, make_inquiry
from tests.portal.helpers import arrange, read, sign_in

# Words that would break the news: none may appear on a page or in the API before a person has told the requester.
DEATH_WORDS = (
    "deeply sorry",
    "died",
    "remains",
    "condolence",
    "сожалению",
    "соболезн",
    "погиб",
    "умер",
    "останк",
    "співчува",
    "загинув",
    "помер",
)


def _family_of_two(session):
    """One case, two requesters (mother and father), each with their own access code."""
    case, mother, mother_code = make_family(session, state="searching")
    father = make_inquiry(session, case, requester_name="Pavel Petrov", requester_relationship="father")
    father_code = access.issue_access_code(session, case=case, inquiry=father, actor=system_actor())
    return case, (mother, mother_code), (father, father_code)


def _confirm_death(client, make_staff, reference):
    officer, colleague = make_staff("case_officer"), make_staff("case_officer")
    proposal = move(client, officer, reference, "deceased", "On the death list").json()["proposal"]["id"]
    confirmed = client.post(
        f"/api/v1/cases/{reference}/proposal/confirm",
        json={"proposal_id": proposal, "reason": "checked"},
        headers=change(colleague, etag(client, colleague, reference)),
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["case"]["outcome"] == "deceased"


def _log(client, staff, reference, **body):
    payload = {"direction": "outbound", "channel": "phone", "summary": "Called", **body}
    return client.post(f"/api/v1/cases/{reference}/contacts", json=payload, headers=staff.headers)


def _view(client, reference, code, lang="en"):
    client.cookies.clear()
    sign_in(client, reference, code)
    page = client.get(f"/portal/cases/{reference}", headers={"Accept-Language": lang}).text
    data = client.get("/api/v1/portal/case", params={"lang": lang}).json()
    return page, data


def _assert_nothing_of_death(page, data):
    assert data["deceased"] is False and data["staff_called_at"] is None
    assert data["status"] == "important_news"
    assert data["travel_instructions"] is None
    api_text = " ".join([data["headline"], *data["explanation"], *data["next_steps"]]).lower()
    for word in DEATH_WORDS:
        assert word not in page.lower(), word
        assert word not in api_text, word


def test_confirmed_death_before_any_notification_is_important_news_for_every_requester(
    client, session_factory, make_staff, backend
):
    case, (_, mother_code), (_, father_code) = arrange(session_factory, _family_of_two)
    _confirm_death(client, make_staff, case.reference)
    for code in (mother_code, father_code):
        for lang in ("ru", "uk", "en"):
            page, data = _view(client, case.reference, code, lang)
            _assert_nothing_of_death(page, data)
        assert data["headline"] == "We have important news about your case"
        assert data["contacts"]["phone"] in data["explanation"][0]
        assert "or we will call you" in data["explanation"][0]
        assert 'href="tel:' in page


def test_notification_contact_with_mother_unlocks_her_care_page_not_the_fathers(
    client, session_factory, make_staff, backend
):
    case, (mother, mother_code), (_, father_code) = arrange(session_factory, _family_of_two)
    _confirm_death(client, make_staff, case.reference)
    operator = make_staff("operator")
    told = _log(client, operator, case.reference, purpose="death_notification", inquiry_id=str(mother.id))
    assert told.status_code == 201, told.text
    assert told.json()["purpose"] == "death_notification"

    page, data = _view(client, case.reference, mother_code)
    assert data["deceased"] is True and data["status"] == "deceased"
    assert data["headline"] == "We are deeply sorry"
    assert data["staff_called_at"] is not None
    assert data["next_steps"][0].startswith("A staff member told you this by phone on ")
    assert "A staff member told you this by phone on" in page and "We are deeply sorry" in page

    page, data = _view(client, case.reference, father_code)
    _assert_nothing_of_death(page, data)

    overview = client.get(f"/api/v1/cases/{case.reference}/death-notice", headers=operator.headers).json()
    states = {row["relationship"]: row["state"] for row in overview["requesters"]}
    assert states == {"mother": "told", "father": "waiting_for_a_person"}


def test_ordinary_outbound_call_does_not_unlock_the_news(client, session_factory, make_staff, backend):
    case, (mother, mother_code), _ = arrange(session_factory, _family_of_two)
    _confirm_death(client, make_staff, case.reference)
    operator = make_staff("operator")
    assert _log(client, operator, case.reference, inquiry_id=str(mother.id)).status_code == 201
    page, data = _view(client, case.reference, mother_code)
    _assert_nothing_of_death(page, data)


def test_notification_contact_must_be_outbound_in_person_or_phone_with_a_requester(
    client, session_factory, make_staff, backend
):
    case, (mother, _), _ = arrange(session_factory, _family_of_two)
    operator = make_staff("operator")
    early = _log(client, operator, case.reference, purpose="death_notification", inquiry_id=str(mother.id))
    assert early.status_code == 409, early.text  # nothing confirmed yet
    _confirm_death(client, make_staff, case.reference)
    wrong = _log(client, operator, case.reference, purpose="death_notification", direction="inbound", channel="email")
    assert wrong.status_code == 422
    pointers = {e["pointer"] for e in wrong.json()["errors"]}
    assert pointers == {"#/direction", "#/channel", "#/inquiry_id"}
    shown = _log(
        client,
        operator,
        case.reference,
        purpose="death_notification",
        inquiry_id=str(mother.id),
        visible_to_family=True,
    )
    assert shown.status_code == 422
    in_person = _log(
        client, operator, case.reference, purpose="death_notification", channel="walk_in", inquiry_id=str(mother.id)
    )
    assert in_person.status_code == 201, in_person.text


def test_supervisor_release_after_attempts_says_honestly_that_we_tried_to_call(
    client, session_factory, make_staff, backend
):
    case, _, (father, father_code) = arrange(session_factory, _family_of_two)
    _confirm_death(client, make_staff, case.reference)
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    url = f"/api/v1/cases/{case.reference}/inquiries/{father.id}/death-news-release"
    reason = {"reason": "No answer for ten days; the father asked by letter to be told"}
    assert client.post(url, json=reason, headers=operator.headers).status_code == 403

    start = datetime.now(UTC) - timedelta(days=10)
    for day in range(2):
        attempt = _log(
            client,
            operator,
            case.reference,
            purpose="notification_attempt",
            inquiry_id=str(father.id),
            occurred_at=(start + timedelta(days=day)).isoformat(),
        )
        assert attempt.status_code == 201, attempt.text
    too_early = client.post(url, json=reason, headers=supervisor.headers)
    assert too_early.status_code == 409, too_early.text
    assert too_early.json()["attempts"] == 2
    _log(
        client,
        operator,
        case.reference,
        purpose="notification_attempt",
        inquiry_id=str(father.id),
        occurred_at=(start + timedelta(days=3)).isoformat(),
    )
    released = client.post(url, json=reason, headers=supervisor.headers)
    assert released.status_code == 201, released.text
    assert released.json()["attempts"] == 3
    assert client.post(url, json=reason, headers=supervisor.headers).status_code == 409

    page, data = _view(client, case.reference, father_code)
    assert data["deceased"] is True and data["staff_called_at"] is None
    assert data["next_steps"][0].startswith("We tried to reach you by phone on ")
    assert "could not get through" in page

    events = read(
        session_factory,
        lambda s: s.execute(select(AuditEvent).where(AuditEvent.action == "case.death_news_released")).scalars().all(),
    )
    assert len(events) == 1 and events[0].actor == str(supervisor.id)


def test_release_within_the_waiting_period_is_refused(client, session_factory, make_staff, backend):
    case, (mother, _), _ = arrange(session_factory, _family_of_two)
    _confirm_death(client, make_staff, case.reference)
    operator, supervisor = make_staff("operator"), make_staff("supervisor")
    for _ in range(3):
        _log(client, operator, case.reference, purpose="notification_attempt", inquiry_id=str(mother.id))
    url = f"/api/v1/cases/{case.reference}/inquiries/{mother.id}/death-news-release"
    refused = client.post(url, json={"reason": "Tried three times today"}, headers=supervisor.headers)
    assert refused.status_code == 409
    assert refused.json()["possible_from"] is not None


def test_care_page_stops_promising_return_of_remains_after_handover(client, session_factory, make_staff, backend):
    def build(session):
        case, inquiry, code = make_family(session, state="handover_done", outcome="deceased")
        return case, inquiry, code

    case, inquiry, code = arrange(session_factory, build)
    operator = make_staff("operator")
    assert _log(client, operator, case.reference, purpose="death_notification", inquiry_id=str(inquiry.id)).is_success
    _, data = _view(client, case.reference, code)
    assert data["deceased"] is True
    text = " ".join(data["explanation"] + data["next_steps"])
    assert "His remains have been returned to the family." in text
    assert "return of his remains" not in text
    assert read(session_factory, lambda s: s.get(Case, case.id).state) == "handover_done"
