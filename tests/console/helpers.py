"""Signing in to the console from tests, over HTTP (TestClient) or in Chromium. Each helper checks that it did."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.audit import system_actor
from app.staff.models import StaffUser
from app.staff.service import create_user
from app.transaction import unit_of_work
from tests.conftest import TEST_PASSWORD, test_password_hash

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


@dataclass
class ConsoleUser:
    """A TestClient signed in to the console; `csrf` is the session's form token."""

    client: TestClient
    user: StaffUser
    csrf: str

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, str] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)


def sign_in(client: TestClient, user: StaffUser, password: str = TEST_PASSWORD) -> ConsoleUser:
    """Sign in through the console's form; asserts that the next page shows the user signed in."""
    client.cookies.clear()
    form = client.get("/staff")
    assert form.status_code == 200, form.text
    response = client.post(
        "/staff/sign-in",
        data={"username": user.username, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=True,
    )
    assert response.status_code == 200, response.text
    assert f'class="who-name">{user.full_name}<' in response.text, "the sign-in did not reach a signed-in page"
    return ConsoleUser(client, user, csrf_of(response.text))


def add_staff(
    factory: sessionmaker[Session], *roles: str, username: str | None = None, full_name: str | None = None
) -> StaffUser:
    """A member of staff with `roles` and the test password, committed."""
    name = username or ("-".join(roles).replace("_", "-") + "-" + uuid.uuid4().hex[:8])
    with unit_of_work(factory) as session:
        user = create_user(
            session,
            actor=system_actor(),
            username=name,
            email=f"{name}@test.invalid",
            full_name=full_name or name.replace("-", " ").title(),
            password=TEST_PASSWORD,
            roles=list(roles),
            password_hash=test_password_hash(),
        )
        session.expunge(user)
    return user
