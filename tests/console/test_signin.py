"""Console sign-in, session and sign-out over HTTP: cookies, CSRF, throttling and audit shared with the API."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.console.models import ConsoleSession
from tests.console.helpers import add_staff, csrf_of, sign_in


def _actions(db_session) -> list[str]:
    return list(db_session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_sign_in_sets_a_strict_http_only_cookie_and_lands_on_the_first_screen(client, session_factory, db_session):
    officer = add_staff(session_factory, "case_officer", full_name="Olena Kovalenko")
    form = client.get("/staff")
    assert form.status_code == 200
    assert '<html lang="uk">' in form.text and 'name="username"' in form.text and 'name="password"' in form.text
    response = client.post(
        "/staff/sign-in",
        data={
            "username": officer.username,
            "password": "correct horse battery staple",
            "csrf_token": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/staff/cases"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("staff_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    page = client.get("/staff/cases")
    assert page.status_code == 200 and "Olena Kovalenko" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "auth.login_succeeded" in _actions(db_session)


def test_wrong_password_is_refused_audited_and_keeps_the_user_name(client, session_factory, db_session):
    officer = add_staff(session_factory, "operator")
    form = client.get("/staff")
    response = client.post(
        "/staff/sign-in", data={"username": officer.username, "password": "wrong", "csrf_token": csrf_of(form.text)}
    )
    assert response.status_code == 401
    assert "Ім’я користувача або пароль неправильні." in response.text
    assert f'value="{officer.username}"' in response.text
    assert "staff_session" not in response.headers.get("set-cookie", "")
    assert "auth.login_failed" in _actions(db_session)


def test_sign_in_is_throttled_like_the_api(client, session_factory):
    officer = add_staff(session_factory, "operator")
    for _ in range(10):
        client.post("/api/v1/auth/token", data={"username": officer.username, "password": "wrong"})
    form = client.get("/staff")
    response = client.post(
        "/staff/sign-in",
        data={
            "username": officer.username,
            "password": "correct horse battery staple",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "Забагато невдалих спроб" in response.text


def test_sign_in_without_csrf_token_is_refused(client, session_factory):
    officer = add_staff(session_factory, "operator")
    client.get("/staff")
    response = client.post(
        "/staff/sign-in", data={"username": officer.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 403


def test_sign_out_ends_the_session_and_its_api_session(client, session_factory, db_session):
    officer = add_staff(session_factory, "case_officer")
    console = sign_in(client, officer)
    secret = client.cookies.get("staff_session")
    response = console.post("/staff/sign-out", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff?notice=signed_out"
    client.cookies.set("staff_session", secret, path="/staff")
    again = client.get("/staff/cases", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/staff?notice=expired")
    row = db_session.execute(select(ConsoleSession).where(ConsoleSession.auth_session_id.is_not(None))).scalar_one()
    assert row.ended_reason == "signed_out"
    assert "auth.logged_out" in _actions(db_session)


def test_post_without_the_session_csrf_token_is_refused(client, session_factory):
    officer = add_staff(session_factory, "case_officer")
    sign_in(client, officer)
    response = client.post("/staff/sign-out", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/staff/cases").status_code == 200


def test_deactivated_user_is_signed_out_on_the_next_request(client, session_factory):
    from app.audit import system_actor
    from app.staff.models import StaffUser
    from app.staff.service import update_user
    from app.transaction import unit_of_work

    officer = add_staff(session_factory, "case_officer")
    sign_in(client, officer)
    with unit_of_work(session_factory) as session:
        update_user(session, actor=system_actor(), user=session.get(StaffUser, officer.id), is_active=False)
    response = client.get("/staff/cases", follow_redirects=False)
    assert response.status_code == 303 and "/staff?notice=expired" in response.headers["location"]


def test_idle_session_expires(client, session_factory, db_session):
    from datetime import timedelta

    from app.transaction import commit

    officer = add_staff(session_factory, "case_officer")
    sign_in(client, officer)
    row = db_session.execute(select(ConsoleSession)).scalar_one()
    row.last_seen_at = row.last_seen_at - timedelta(minutes=31)
    commit(db_session)
    response = client.get("/staff/cases", follow_redirects=False)
    assert response.status_code == 303


def test_language_is_remembered_per_user(client, session_factory):
    officer = add_staff(session_factory, "case_officer")
    sign_in(client, officer)
    assert '<html lang="uk">' in client.get("/staff/cases").text
    client.get("/staff/language?lang=en&next=/staff/cases")
    assert '<html lang="en">' in client.get("/staff/cases").text
    client.cookies.clear()
    again = sign_in(client, officer)
    assert '<html lang="en">' in again.get("/staff/cases").text


def test_other_roles_screens_are_forbidden_and_audited(client, session_factory, db_session):
    operator = add_staff(session_factory, "operator")
    sign_in(client, operator)
    response = client.get("/staff/cases")
    assert response.status_code == 403 and "text/html" in response.headers["content-type"]
    assert "auth.access_denied" in _actions(db_session)


def test_landing_page_sends_families_to_the_portal_and_staff_to_the_console(client):
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert 'href="/portal"' in page.text and 'href="/staff"' in page.text
    assert "Families" in page.text and "Staff" in page.text


def test_open_redirect_is_refused_after_sign_in(client, session_factory):
    officer = add_staff(session_factory, "case_officer")
    form = client.get("/staff")
    response = client.post(
        "/staff/sign-in",
        data={
            "username": officer.username,
            "password": "correct horse battery staple",
            "csrf_token": csrf_of(form.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/staff/cases"
