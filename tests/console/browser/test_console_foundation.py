"""The console in a real Chromium: sign-in, navigation by role, language switch, search, the case page."""

from __future__ import annotations

import re

import pytest

from tests.console.browser.conftest import accessible, assert_local_only, screenshot, sign_in
from tests.console.factories import log_call
from tests.console.helpers import add_staff

pytestmark = pytest.mark.browser


def test_operator_signs_in_searches_and_opens_a_case_in_each_language(desk, live_server):
    operator = add_staff(live_server.session_factory, "operator", full_name="Оксана Мельник")
    reference, _ = log_call(live_server.session_factory, operator)
    page = desk.page
    page.goto(live_server.url + "/staff")
    assert page.locator("html").get_attribute("lang") == "uk"
    accessible(page)
    screenshot(page, "sign-in-uk")
    sign_in(page, live_server, operator)
    screens = page.get_by_role("navigation", name="Розділи")
    expected = ["Новий дзвінок", "Новий запит поштою", "Вхідні листи", "Пошук"]
    assert screens.get_by_role("link").all_inner_texts() == expected
    screens.get_by_role("link", name="Пошук").click()
    page.get_by_label(re.compile("Ім’я")).fill("Ivanov")
    page.wait_for_selector("text=Знайдено 1 справу")
    assert page.get_by_role("link", name=reference).is_visible()
    assert "q=Ivanov" in page.url
    accessible(page)
    screenshot(page, "search-uk")
    page.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith(reference)
    assert page.get_by_role("cell", name="Иванова Мария Петровна", exact=True).is_visible()
    accessible(page)
    screenshot(page, "case-status-uk")
    for language, heading in (("Русский", "Заявители"), ("English", "Requesters")):
        page.get_by_role("link", name=language).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name=re.compile(heading)).is_visible()
        screenshot(page, f"case-status-{page.locator('html').get_attribute('lang')}")
    assert_local_only(desk, live_server)


def test_officer_sees_my_cases_with_deadlines_and_signs_out(desk, live_server):
    officer = add_staff(live_server.session_factory, "case_officer", full_name="Петро Коваль")
    page = desk.page
    sign_in(page, live_server, officer)
    assert page.url.endswith("/staff/cases")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Мої справи")
    accessible(page)
    screenshot(page, "my-cases-uk")
    page.get_by_role("button", name="Вийти").click()
    page.wait_for_load_state()
    assert page.get_by_text("Ви вийшли.").is_visible()
    page.goto(live_server.url + "/staff/cases")
    assert page.get_by_text("Ваш сеанс завершено. Увійдіть знову.").is_visible()
    assert_local_only(desk, live_server)


def test_landing_page(desk, live_server):
    page = desk.page
    page.goto(live_server.url + "/?lang=uk")
    accessible(page)
    page.get_by_role("link", name=re.compile("Співробітникам")).click()
    page.wait_for_load_state()
    assert page.url.endswith("/staff")
    screenshot(page, "landing-then-sign-in")
