"""An operator's day in Chromium, by keyboard: a phone call, a second relative attached from the live panel, an
email inquiry; the reference and code read back; every screen checked with axe-core and photographed."""

from __future__ import annotations

import re

import pytest

from tests.console.browser.conftest import accessible, assert_local_only, screenshot, sign_in
from tests.console.helpers import add_staff

pytestmark = pytest.mark.browser


def _field(page, label: str):
    """A field by its label; required fields carry a star after the label text."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"\s*\*?$"))


def _type(page, label: str, text: str) -> None:
    _field(page, label).focus()
    page.keyboard.type(text)


def _tick(page, label: str) -> None:
    page.get_by_label(label).focus()
    page.keyboard.press("Space")


def _choose(page, label: str, option: str) -> None:
    _field(page, label).select_option(label=option)


def _reference(page) -> str:
    return page.locator(".code-ref .visually-hidden").inner_text()


def test_operator_logs_a_call_then_attaches_a_second_relative_then_an_email(desk, live_server):
    operator = add_staff(live_server.session_factory, "operator", full_name="Оксана Мельник")
    page = desk.page
    sign_in(page, live_server, operator)
    page.keyboard.press("Alt+Shift+N")  # the "New call" access key
    page.wait_for_url("**/staff/calls/new")
    assert page.evaluate("document.activeElement.name") == "requester.full_name"  # the cursor is already there
    accessible(page)
    screenshot(page, "new-call-empty-uk")

    # Saving too early: errors beside the fields and in a summary; nothing typed is lost.
    page.keyboard.type("Иванова Мария Петровна")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("alert").is_visible()
    assert _field(page, "Прізвище, ім’я, по батькові заявника").input_value() == "Иванова Мария Петровна"
    assert (
        page.locator("#f-consent-store-error").inner_text() == "Без згоди на зберігання даних запит не можна записати."
    )
    accessible(page)
    screenshot(page, "new-call-errors-uk")

    _choose(page, "Ким доводиться особі, яку шукають", "Мати")
    _type(page, "Телефон", "8 916 123-45-67")
    _tick(page, re.compile("Згода на зберігання даних"))
    _tick(page, "Згода на дзвінки")
    _type(page, "Прізвище", "Иванов")
    _type(page, "Ім’я", "Алексей")
    _type(page, "Дата народження", "14.03.1999")
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+S")
    assert page.get_by_role("heading", level=1).inner_text() == "Запит записано: відкрито нову справу"
    reference = _reference(page)
    assert re.fullmatch(r"PW-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", reference)
    assert len(page.locator(".code-access .group").all()) >= 4  # the code in groups, for reading aloud
    assert page.get_by_text("Попросіть: «Прочитайте мені, будь ласка, номер і код».").is_visible()
    accessible(page)
    screenshot(page, "new-call-done-uk")

    # The father calls; he spells the son in Latin. The live panel finds the case; Alt+Shift+1 attaches.
    page.get_by_role("link", name="Наступний дзвінок").click()
    page.wait_for_url("**/staff/calls/new")
    page.keyboard.type("Иванов Сергей Николаевич")
    _choose(page, "Ким доводиться особі, яку шукають", "Батько")
    _tick(page, re.compile("Згода на зберігання даних"))
    _type(page, "Прізвище", "Ivanov")
    _type(page, "Ім’я", "Aleksei")
    panel = page.locator("#dup-results")
    panel.get_by_text(reference).wait_for()
    assert "Схоже ім’я" in panel.inner_text() or "Те саме ім’я" in panel.inner_text()
    accessible(page)
    screenshot(page, "new-call-duplicate-panel-uk")
    page.keyboard.press("Alt+Shift+1")
    assert page.locator("#f-case-reference-1").is_checked()
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+S")
    assert page.get_by_role("heading", level=1).inner_text() == "Запит записано в наявну справу"
    assert _reference(page) == reference

    # An email: the sender, subject and body pasted; the body kept as it was.
    page.goto(live_server.url + "/staff/calls/new?channel=email")
    body = "Добрый день.\n\nИщу брата, Петрова Ивана, 1990 г.р.\n  Последний звонок был в марте.\n"
    page.get_by_label("Відправник").fill("Анна Петрова <anna@example.org>")
    page.get_by_label("Тема").fill("Брат")
    _field(page, "Текст листа").fill(body)
    _type(page, "Прізвище, ім’я, по батькові заявника", "Петрова Анна")
    _choose(page, "Ким доводиться особі, яку шукають", "Брат або сестра")
    _type(page, "Ел. пошта", "anna@example.org")
    _tick(page, re.compile("Згода на зберігання даних"))
    _tick(page, "Згода на листи електронною поштою")
    _type(page, "Прізвище", "Петров")
    _type(page, "Ім’я", "Иван")
    accessible(page)
    screenshot(page, "new-email-uk")
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+S")
    assert page.get_by_role("heading", level=1).inner_text() == "Запит записано: відкрито нову справу"
    assert page.get_by_text("anna@example.org").is_visible()
    assert_local_only(desk, live_server)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_new_call_in_other_languages(desk, live_server, language):
    operator = add_staff(live_server.session_factory, "operator")
    page = desk.page
    sign_in(page, live_server, operator)
    page.goto(live_server.url + f"/staff/language?lang={language}&next=/staff/calls/new")
    assert page.locator("html").get_attribute("lang") == language
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+S")
    assert page.get_by_role("alert").is_visible()
    accessible(page)
    screenshot(page, f"new-call-errors-{language}")
