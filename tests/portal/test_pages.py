from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases.models import CaseContact
from tests.portal.factories import add_contact, make_family
from tests.portal.helpers import arrange, attempt_sign_in, csrf_from, read, sign_in


def test_sign_in_correct_code_shows_status_in_accept_language(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="in_captivity", outcome="in_captivity"))
    response = sign_in(client, case.reference, code)
    assert response.status_code == 303
    assert response.headers["location"] == f"/portal/cases/{case.reference}"
    cookie = response.headers["set-cookie"]
    assert (
        "portal_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    page = client.get(response.headers["location"], headers={"Accept-Language": "uk-UA,uk;q=0.9"})
    assert page.status_code == 200
    assert '<html lang="uk">' in page.text
    assert "Він перебуває в полоні. Він живий." in page.text


def test_sign_in_wrong_code_and_wrong_reference_same_answer(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    other, _, _ = arrange(session_factory, lambda s: make_family(s))
    wrong_code = attempt_sign_in(client, case.reference, code[:-1] + ("0" if code[-1] != "0" else "1"))
    wrong_reference = attempt_sign_in(client, other.reference, code)
    assert wrong_code.status_code == wrong_reference.status_code == 401
    strip = lambda text: text.replace(case.reference, "X").replace(other.reference, "X")  # noqa: E731
    assert strip(wrong_code.text).replace(csrf_from(wrong_code.text), "") == strip(wrong_reference.text).replace(
        csrf_from(wrong_reference.text), ""
    )
    assert "portal_session" not in wrong_code.headers.get("set-cookie", "")


def test_sign_in_repeated_failures_locks_reference_with_retry_after_and_audit(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    statuses = [attempt_sign_in(client, case.reference, "AAAA-BBBB-CCCC-DDDD-EEEE").status_code for _ in range(5)]
    assert statuses[:4] == [401] * 4 and statuses[4] == 429
    locked = attempt_sign_in(client, case.reference, code)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "portal_session" not in locked.headers.get("set-cookie", "")
    events = read(session_factory, lambda s: s.execute(select(AuditEvent.action)).scalars().all())
    assert "portal.sign_in_locked" in events and "portal.sign_in_throttled" in events


def test_status_page_messages_only_for_this_family(client, session_factory, backend):
    def build(session):
        case, _inquiry, code = make_family(session)
        add_contact(session, case, summary="Message to everyone on the case")
        add_contact(session, case, summary="Internal call log", visible_to_family=False, channel="phone")
        return case, code

    case, code = arrange(session_factory, build)
    sign_in(client, case.reference, code)
    page = client.get(f"/portal/cases/{case.reference}")
    assert "Message to everyone on the case" in page.text
    assert "Internal call log" not in page.text


def test_send_message_lands_in_contact_log_as_portal_inbound(client, session_factory, backend):
    case, inquiry, code = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case.reference, code)
    page = client.get(f"/portal/cases/{case.reference}")
    response = client.post(
        f"/portal/cases/{case.reference}/messages",
        data={"text": "He called us from an unknown number on Monday.", "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    contact = read(
        session_factory, lambda s: s.execute(select(CaseContact).where(CaseContact.case_id == case.id)).scalar_one()
    )
    assert (contact.direction, contact.channel, contact.inquiry_id) == ("inbound", "portal", inquiry.id)
    assert contact.visible_to_family
    shown = client.get(response.headers["location"])
    assert "He called us from an unknown number on Monday." in shown.text
    actors = read(
        session_factory,
        lambda s: s.execute(select(AuditEvent.actor).where(AuditEvent.action == "portal.message_sent")).scalars().all(),
    )
    assert actors == [f"family:{case.reference}"]


def test_sign_out_ends_server_session(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case.reference, code)
    secret = client.cookies.get("portal_session")
    page = client.get(f"/portal/cases/{case.reference}")
    out = client.post("/portal/sign-out", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("portal_session", secret)
    again = client.get(f"/portal/cases/{case.reference}", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/portal"


def test_language_switch_is_remembered(client, backend):
    response = client.get("/portal/language", params={"lang": "en", "next": "/portal"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/portal"
    page = client.get("/portal", headers={"Accept-Language": "ru"})
    assert '<html lang="en">' in page.text and "Follow your case" in page.text


def test_language_switch_next_elsewhere_stays_on_portal(client, backend):
    response = client.get(
        "/portal/language", params={"lang": "uk", "next": "https://evil.example/x"}, follow_redirects=False
    )
    assert response.headers["location"] == "/portal"


def test_pages_carry_security_headers(client, backend):
    page = client.get("/portal")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in page.text and "style=" not in page.text


def test_unknown_portal_page_is_translated_html(client, backend):
    page = client.get("/portal/nowhere", headers={"Accept-Language": "ru"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Страница не найдена" in page.text
