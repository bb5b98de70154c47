"""Driving the portal's pages from a TestClient: CSRF tokens from forms, sign-in, arranging data."""

from __future__ import annotations

import re

from app.transaction import commit

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, reference: str, code: str, *, follow: bool = False):
    page = client.get("/portal")
    token = csrf_from(page.text)
    return client.post(
        "/portal/sign-in",
        data={"reference": reference, "access_code": code, "csrf_token": token},
        follow_redirects=follow,
    )


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
