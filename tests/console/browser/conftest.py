"""Console browser fixtures: the portal's live server and Chromium (imported, not copied), a desktop-sized context,
screenshots under tests/artifacts/console/, and a sign-in helper that asserts it signed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.portal.browser.conftest import Visit, browser, check_accessibility, live_server  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def desk(browser, live_server) -> Iterator[Visit]:  # noqa: F811
    """A staff workstation: a desktop browser window (one person's browser context)."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, device_scale_factor=1, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield Visit(page, requests, errors)
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, server, user, password: str = PASSWORD, language: str | None = "uk") -> None:
    """Sign in through the form with the keyboard; asserts the header then shows the user signed in. The console
    remembers each user's language, so a test says which one it expects (Ukrainian unless told)."""
    page.goto(server.url + "/staff")
    page.get_by_label(re.compile("Ім’я користувача|Имя пользователя|User name")).fill(user.username)
    page.get_by_label(re.compile("Пароль|Password")).fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    who = page.locator(".who-name")
    assert who.count() == 1 and who.inner_text() == user.full_name, f"not signed in: {page.url}"
    if language and page.locator("html").get_attribute("lang") != language:
        landed = page.url.removeprefix(server.url)
        page.goto(f"{server.url}/staff/language?lang={language}&next={landed}")
        assert page.locator("html").get_attribute("lang") == language


def accessible(page) -> None:
    """No serious or critical axe-core violations on the current page."""
    violations = check_accessibility(page)
    assert violations == [], violations


def assert_local_only(visit: Visit, server) -> None:
    foreign = [url for url in visit.requests if not url.startswith(server.url)]
    assert not foreign, foreign
    assert not [e for e in visit.console_errors if "Content Security Policy" in e], visit.console_errors
