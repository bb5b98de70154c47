"""Case officers and supervisors in Chromium, on the demo data `make run` seeds: a lookup, a confirmed match and
`in_captivity`; `deceased` proposed by an officer and confirmed by a supervisor from the dashboard; a stale-version
conflict; each screen in uk, ru and en, checked with axe-core and photographed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.cases.models import Case
from app.demo import seed_demo_accounts
from app.demo_cases import seed_demo_cases
from app.staff.models import StaffUser
from app.transaction import unit_of_work
from tests.conftest import make_settings
from tests.console.browser.conftest import PASSWORD, accessible, assert_local_only, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(live_server):
    settings = make_settings("sqlite://", demo_password=PASSWORD)
    with unit_of_work(live_server.session_factory) as session:
        seed_demo_accounts(session, settings)
        made = seed_demo_cases(session, settings).cases
    with unit_of_work(live_server.session_factory) as session:
        users = {u.username: u for u in session.execute(select(StaffUser)).scalars()}
        for user in users.values():
            session.expunge(user)
    return {"cases": made, "users": users}


def _state(live_server, reference: str) -> str:
    with unit_of_work(live_server.session_factory) as session:
        return session.execute(select(Case.state).where(Case.reference == reference)).scalar_one()


def _move(page, target: str, reason: str) -> None:
    page.get_by_label(re.compile("^Причина")).first.fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name=target, exact=True).click()


def test_officer_runs_a_lookup_confirms_the_match_and_records_in_captivity(desk, live_server, demo):
    ivanov = demo["cases"][0]
    page = desk.page
    sign_in(page, live_server, demo["users"]["demo-case-officer"])
    assert page.get_by_role("link", name=ivanov).is_visible()  # on My cases
    accessible(page)
    screenshot(page, "my-cases-officer-uk")
    page.get_by_role("link", name=ivanov).click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_role("button", name="Шукати в реєстрі").click()
    candidate = page.locator("article.candidate").first
    assert "Іванов Олексій Сергійович" in candidate.inner_text()
    assert "українська форма імені" in candidate.inner_text() or "транслітерація" in candidate.inner_text()
    accessible(page)
    screenshot(page, "case-lookup-uk")
    with page.expect_navigation():
        page.get_by_role("button", name="Підтвердити: це він").click()
    assert page.get_by_role("status").inner_text() == "Збіг підтверджено."
    _move(page, "Записати: у полоні", "Підтверджено за списком demo-list")
    assert _state(live_server, ivanov) == "in_captivity"
    assert page.get_by_role("heading", level=1).inner_text().startswith(ivanov)
    accessible(page)
    screenshot(page, "case-officer-uk")
    for language in ("Русский", "English"):
        page.get_by_role("link", name=language).click()
        page.wait_for_load_state()
        accessible(page)
        screenshot(page, f"case-officer-{page.locator('html').get_attribute('lang')}")
    assert_local_only(desk, live_server)


def test_officer_proposes_deceased_and_a_supervisor_confirms_from_the_dashboard(browser, live_server, demo):
    sidorov = demo["cases"][3]
    officer_context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = officer_context.new_page()
    sign_in(page, live_server, demo["users"]["demo-case-officer"])
    page.goto(live_server.url + f"/staff/cases/{sidorov}")
    _move(page, "Почати пошук", "Починаємо пошук")
    _move(page, "Запропонувати: загинув", "У списку загиблих від 12 березня")
    assert "Запропоновано." in page.get_by_role("status").inner_text()
    assert _state(live_server, sidorov) == "searching"  # not yet: a second person must confirm
    officer_context.close()

    supervisor_context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = supervisor_context.new_page()
    sign_in(page, live_server, demo["users"]["demo-supervisor"])
    assert page.url.endswith("/staff/dashboard")
    accessible(page)
    screenshot(page, "dashboard-uk")
    section = page.locator("section", has=page.get_by_role("heading", name="Смерті, що чекають другого підпису"))
    item = section.locator(".dash-item", has_text=sidorov)
    with page.expect_navigation():
        item.get_by_role("button", name=re.compile("Підтвердити")).click()
    assert _state(live_server, sidorov) == "deceased"
    assert page.get_by_role("status").inner_text() == "Підтверджено вашим другим підписом."
    for language in ("Русский", "English"):
        page.goto(
            live_server.url + f"/staff/language?lang={'ru' if language == 'Русский' else 'en'}&next=/staff/dashboard"
        )
        accessible(page)
        screenshot(page, f"dashboard-{page.locator('html').get_attribute('lang')}")
    supervisor_context.close()


def test_stale_version_shows_who_changed_what(browser, live_server, demo):
    petrenko = demo["cases"][1]
    first = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
    sign_in(first, live_server, demo["users"]["demo-case-officer"])
    first.goto(live_server.url + f"/staff/cases/{petrenko}")
    second = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
    sign_in(second, live_server, demo["users"]["demo-supervisor"])
    second.goto(live_server.url + f"/staff/cases/{petrenko}")
    _move(second, "Родину повідомлено", "Подзвонила дружині")
    _move(first, "Записати: звільнений", "Мій запис")
    alert = first.get_by_role("alert")
    assert "Хтось змінив цю справу, поки ви редагували" in alert.inner_text()
    assert "Подзвонила дружині" in alert.inner_text() and "Demo Supervisor" in alert.inner_text()
    assert first.get_by_label(re.compile("^Причина")).first.input_value() == "Мій запис"
    assert _state(live_server, petrenko) == "family_informed"
    accessible(first)
    screenshot(first, "case-conflict-uk")


def test_operator_sees_the_status_view_and_logs_a_contact(desk, live_server, demo):
    petrenko = demo["cases"][1]
    page = desk.page
    sign_in(page, live_server, demo["users"]["demo-operator"])
    page.goto(live_server.url + f"/staff/cases/{petrenko}")
    assert page.get_by_role("heading", name="Історія справи").count() == 0
    page.get_by_label("Про що говорили").fill("Дружина питала про листи")
    with page.expect_navigation():
        page.get_by_role("button", name="Записати контакт").click()
    assert page.get_by_text("Дружина питала про листи").first.is_visible()
    accessible(page)
    screenshot(page, "case-operator-uk")
