"""An operator works the email inbox in Chromium: one email becomes an inquiry from its prefilled form, another is
attached to the case the first one opened. Every screen checked with axe-core and photographed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.cases.models import CaseContact
from app.inquiries.models import Inquiry
from app.mailbox.intake import Fetched, store_messages
from app.transaction import unit_of_work
from tests.conftest import make_settings
from tests.console.browser.conftest import accessible, assert_local_only, screenshot, sign_in
from tests.console.helpers import add_staff
from tests.mailbox import messages

pytestmark = pytest.mark.browser

MOTHER = (
    "Здравствуйте!\nИщу сына: Смирнов Дмитрий Андреевич, 21.07.2001 г.р., в/ч 45678.\n"
    "Последний раз выходил на связь 12 октября. Помогите, пожалуйста.\nЕлена Смирнова"
)
FATHER = "Добрый день. Пишу про сына, Смирнова Дмитрия: он служил в в/ч 45678. Андрей Смирнов"


def _deliver(live_server, *raws: bytes) -> None:
    settings = make_settings("sqlite://")
    with unit_of_work(live_server.session_factory) as session:
        for raw in raws:  # one transaction each, so the first is the oldest
            store_messages(session, settings, mailbox="hotline", uidvalidity=1, items=[Fetched(raw=raw)])
            session.flush()


def test_operator_turns_an_email_into_an_inquiry_and_attaches_another_to_its_case(desk, live_server):
    operator = add_staff(live_server.session_factory, "operator", full_name="Ірина Коваль")
    _deliver(
        live_server,
        messages.plain(MOTHER, sender="Елена Смирнова <elena.smirnova@family.example>", subject="Ищу сына Смирнова"),
    )
    _deliver(
        live_server,
        messages.plain(FATHER, sender="Андрей Смирнов <andrei.smirnov@family.example>", subject="Про сына"),
    )
    page = desk.page
    sign_in(page, live_server, operator)

    page.get_by_role("link", name="Вхідні листи").click()
    page.wait_for_url("**/staff/inbox")
    rows = page.locator("table.inbox-table tbody tr")
    assert rows.count() == 2
    assert "Ищу сына Смирнова" in rows.nth(0).inner_text()  # the one waiting longest first
    accessible(page)
    screenshot(page, "inbox-uk")

    page.get_by_role("link", name="Ищу сына Смирнова").click()
    page.wait_for_url(re.compile(r".*/staff/inbox/[0-9a-f-]+$"))
    assert page.locator(".mail-source .mail-text").inner_text().startswith("Здравствуйте!")
    assert page.locator("#f-sought-surname").input_value() == "Смирнов"
    assert page.locator("#f-sought-given_name").input_value() == "Дмитрий"
    assert page.locator("#f-sought-date_of_birth").input_value() == "21.07.2001"
    assert page.locator("#f-requester-email").input_value() == "elena.smirnova@family.example"
    accessible(page)
    screenshot(page, "inbox-triage-uk")

    page.locator("#f-requester-full_name").fill("Смирнова Елена Викторовна")
    page.locator("#f-requester-relationship").select_option(value="mother")
    page.locator("#f-consent-store").check()
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+S")
    assert page.get_by_role("heading", level=1).inner_text() == "Запит записано: відкрито нову справу"
    reference = page.locator(".code-ref .visually-hidden").inner_text()
    assert re.fullmatch(r"PW-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", reference)
    screenshot(page, "inbox-inquiry-done-uk")

    page.goto(live_server.url + "/staff/inbox")
    assert page.locator("table.inbox-table tbody tr").count() == 1
    page.get_by_role("link", name="Про сына").click()
    page.wait_for_url(re.compile(r".*/staff/inbox/[0-9a-f-]+$"))
    page.locator("#attach-form input[name=case_reference]").fill(reference)
    with page.expect_navigation():
        page.get_by_role("button", name="Додати лист до справи").click()
    page.wait_for_url("**/staff/inbox")
    assert page.get_by_text("Нових листів немає.").is_visible()
    screenshot(page, "inbox-empty-uk")
    assert_local_only(desk, live_server)

    session = live_server.session_factory()
    try:
        inquiry = session.execute(select(Inquiry)).scalar_one()
        contact = session.execute(select(CaseContact)).scalar_one()
    finally:
        session.close()
    assert (inquiry.channel, inquiry.requester_email) == ("email", "elena.smirnova@family.example")
    assert contact.case_id == inquiry.case_id and "Смирнова Дмитрия" in contact.summary
