"""Driving the portal's pages from a TestClient: CSRF tokens from forms, sign-in, arranging data."""

from __future__ import annotations

import re

from app.portal.web import SESSION_COOKIE
from app.transaction import commit

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def attempt_sign_in(client, reference: str, code: str, *, follow: bool = False):
    """Post the sign-in form and return the response as it is: for tests of sign-ins that must be refused."""
    page = client.get("/portal")
    token = csrf_from(page.text)
    return client.post(
        "/portal/sign-in",
        data={"reference": reference, "access_code": code, "csrf_token": token},
        follow_redirects=follow,
    )


def sign_in(client, reference: str, code: str, *, follow: bool = False):
    """Sign in and check that it worked: redirected to the case's page with a session cookie set.

    With `follow`, the case page it leads to (checked to answer 200). A refused sign-in fails the test here, so no test
    can pass on the sign-in page by mistake; `attempt_sign_in` is for the refusals.
    """
    response = attempt_sign_in(client, reference, code)
    assert response.status_code == 303, f"sign-in refused ({response.status_code}): {response.text[:300]}"
    location = response.headers["location"]
    assert location.startswith("/portal/cases/"), location
    assert client.cookies.get(SESSION_COOKIE), "sign-in set no session cookie"
    if not follow:
        return response
    page = client.get(location)
    assert page.status_code == 200, page.text[:300]
    return page


def arrange(session_factory, build):
    """Run `build(session)` in its own committed transaction and return what it returns."""
    session = session_factory()
    try:
        result = build(session)
        commit(session)
        return result
    finally:
        session.close()


def read(session_factory, query):
    """Run `query(session)` in a short transaction of its own (SQLite writers must not be kept waiting)."""
    session = session_factory()
    try:
        return query(session)
    finally:
        session.close()  # ends the transaction; loaded objects stay readable
