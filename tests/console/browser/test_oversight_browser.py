"""An auditor filters the trail and verifies the chain; an administrator lifts a sign-in pause (the member of staff
can then sign in) and creates an account. In Chromium, screens checked with axe-core and photographed."""

from __future__ import annotations

import pytest

from app.audit.sealer import seal
from app.auth.service import verify_credentials
from app.context import client_ip_var
from app.errors import Unauthorized
from app.transaction import unit_of_work
from tests.conftest import make_settings
from tests.console.browser.conftest import PASSWORD, accessible, assert_local_only, screenshot, sign_in
from tests.console.factories import log_call
from tests.console.helpers import add_staff

pytestmark = pytest.mark.browser


def test_auditor_filters_the_trail_by_case_and_verifies_the_chain(desk, live_server):
    operator = add_staff(live_server.session_factory, "operator", full_name="Оксана Мельник")
    reference, _ = log_call(live_server.session_factory, operator)
    auditor = add_staff(live_server.session_factory, "auditor", full_name="Ірина Аудиторка")
    page = desk.page
    sign_in(page, live_server, auditor)
    page.goto(live_server.url + "/staff/audit")
    page.get_by_label("Номер справи").fill(reference)
    page.get_by_label("Дія (або її початок, напр. case.)").fill("case.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 1
    assert all("case." in text for text in page.locator("table.list tbody td code").all_inner_texts())
    # This live server runs no worker: seal as the worker's sealer would, so the check covers the call's events.
    assert seal(live_server.session_factory) >= 1
    with page.expect_navigation():
        page.get_by_role("button", name="Перевірити ланцюжок").click()
    status = page.get_by_role("status").inner_text()
    assert "Ланцюжок перевірено" in status
    assert "НЕ проходить" not in status
    accessible(page)
    for language in ("uk", "ru", "en"):
        page.goto(live_server.url + f"/staff/language?lang={language}&next=/staff/audit?verify=1")
        screenshot(page, f"audit-{language}")
    assert_local_only(desk, live_server)


def test_admin_lifts_a_sign_in_pause(browser, desk, live_server):
    paused = add_staff(live_server.session_factory, "operator", full_name="Марко Оператор")
    # Someone elsewhere guesses the account's password until its sign-in is paused.
    address = client_ip_var.set("203.0.113.7")
    try:
        for _ in range(10):
            with pytest.raises(Unauthorized), unit_of_work(live_server.session_factory) as session:
                verify_credentials(session, make_settings("sqlite://"), username=paused.username, password="guess")
    finally:
        client_ip_var.reset(address)
    own_desk = browser.new_context().new_page()
    own_desk.goto(live_server.url + "/staff")
    own_desk.get_by_label("Ім’я користувача").fill(paused.username)
    own_desk.get_by_label("Пароль").fill(PASSWORD)
    with own_desk.expect_navigation():
        own_desk.keyboard.press("Enter")
    assert "вхід призупинено" in own_desk.get_by_role("alert").inner_text()
    admin = add_staff(live_server.session_factory, "admin", full_name="Адмін Системи")
    page = desk.page
    sign_in(page, live_server, admin)
    assert page.url.endswith("/staff/admin/users")
    accessible(page)
    screenshot(page, "admin-users-uk")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Зняти паузу входу: {paused.username}").click()
    assert "Паузу входу знято" in page.get_by_role("status").inner_text()
    sign_in(own_desk, live_server, paused, PASSWORD)
    for language in ("ru", "en"):
        page.goto(live_server.url + f"/staff/language?lang={language}&next=/staff/admin/users")
        accessible(page)
        screenshot(page, f"admin-users-{language}")
