"""The portal in a real Chromium: what a family on a phone does, in each language, with accessibility checked."""

from __future__ import annotations

import re

import pytest

from app.cases.models import CallTask
from tests.portal.browser.conftest import check_accessibility, screenshot
from tests.portal.factories import add_contact, make_family
from tests.portal.helpers import arrange

pytestmark = pytest.mark.browser

STATES = [
    ("open", None),
    ("searching", None),
    ("match_proposed", None),
    ("in_captivity", "in_captivity"),
    ("released", "released"),
    ("not_found", "not_found"),
    ("deceased", "deceased"),
    ("family_informed", "in_captivity"),
    ("handover_planned", "released"),
    ("handover_done", "released"),
    ("closed", "not_found"),
]


def _family(live_server, **values):
    def build(session):
        case, _inquiry, code = make_family(session, **values)
        add_contact(session, case, summary="Мы получили ваш запрос и начали поиск.")
        return case, code

    return arrange(live_server.session_factory, build)


def _attempt_sign_in(visit, live_server, reference, code):
    page = visit.page
    page.goto(live_server.url + "/portal")
    page.get_by_label(re.compile("Номер дела|Case reference|Номер справи")).fill(reference)
    page.get_by_label(re.compile("Код доступа|Access code|Код доступу")).fill(code)
    page.get_by_role("button", name=re.compile("Войти|Sign in|Увійти")).click()
    page.wait_for_load_state()


def _sign_in(visit, live_server, reference, code):
    """Sign in and check it worked: the browser is on the family's case page."""
    _attempt_sign_in(visit, live_server, reference, code)
    assert f"/portal/cases/{reference}" in visit.page.url, f"sign-in refused: {visit.page.url}"


def _assert_local_only(visit, live_server):
    foreign = [url for url in visit.requests if not url.startswith(live_server.url)]
    assert not foreign, foreign
    assert not [e for e in visit.console_errors if "Content Security Policy" in e], visit.console_errors


def test_sign_in_shows_status_then_switches_language(visit, live_server):
    case, code = _family(live_server, state="in_captivity", outcome="in_captivity")
    _sign_in(visit, live_server, case.reference, code)
    page = visit.page
    assert page.url.endswith(f"/portal/cases/{case.reference}")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Он находится в плену. Он жив."
    assert check_accessibility(page) == []
    screenshot(page, "status-ru")
    page.get_by_role("link", name="Українська").click()
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", level=1).inner_text() == "Він перебуває в полоні. Він живий."
    screenshot(page, "status-uk")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "He is held as a prisoner of war. He is alive."
    screenshot(page, "status-en")
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    _assert_local_only(visit, live_server)


def test_wrong_code_shows_kind_error(visit, live_server):
    case, _code = _family(live_server)
    _attempt_sign_in(visit, live_server, case.reference, "AAAA-BBBB-CCCC-DDDD-EEEE")
    page = visit.page
    assert page.get_by_role("alert").inner_text().startswith("Номер дела или код доступа неверны")
    assert check_accessibility(page) == []
    screenshot(page, "sign-in-wrong-code")
    _assert_local_only(visit, live_server)


def test_repeated_wrong_codes_lock_sign_in(visit, live_server):
    case, code = _family(live_server)
    for _ in range(5):
        _attempt_sign_in(visit, live_server, case.reference, "AAAA-BBBB-CCCC-DDDD-EEEE")
    page = visit.page
    alert = page.get_by_role("alert").inner_text()
    assert "вход приостановлен" in alert and "минут" in alert
    _attempt_sign_in(visit, live_server, case.reference, code)
    assert "вход приостановлен" in page.get_by_role("alert").inner_text()
    assert "/portal/cases/" not in page.url
    screenshot(page, "sign-in-locked")


@pytest.mark.parametrize(("state", "outcome"), STATES)
def test_status_page_each_state(visit, live_server, state, outcome):
    case, code = _family(live_server, state=state, outcome=outcome)
    _sign_in(visit, live_server, case.reference, code)
    page = visit.page
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading and "Дело" not in heading
    assert page.get_by_text("Последнее обновление:").is_visible()
    assert page.get_by_text("Мы получили ваш запрос и начали поиск.").is_visible()
    if state == "deceased":  # nobody has told this requester yet: only "call us", never the news itself
        assert heading == "У нас есть важные новости по вашему делу"
        assert page.locator(".care-phone a[href^='tel:']").is_visible()
        assert "соболезн" not in page.content().lower()
        assert check_accessibility(page) == []
        screenshot(page, "important-news-ru")
        for language, title in (("Українська", "У нас є важливі новини"), ("English", "We have important news")):
            page.get_by_role("link", name=language).click()
            assert page.get_by_role("heading", level=1).inner_text().startswith(title)
            screenshot(page, "important-news-" + ("uk" if language == "Українська" else "en"))
    _assert_local_only(visit, live_server)


def test_care_page_once_a_person_has_told_the_family(visit, live_server):
    def build(session):
        case, inquiry, code = make_family(session, state="deceased", outcome="deceased")
        add_contact(
            session,
            case,
            inquiry_id=inquiry.id,
            channel="phone",
            purpose="death_notification",
            visible_to_family=False,
            summary="Told the mother by phone",
        )
        return case, code

    case, code = arrange(live_server.session_factory, build)
    _sign_in(visit, live_server, case.reference, code)
    page = visit.page
    assert page.get_by_role("heading", level=1).inner_text() == "Мы глубоко соболезнуем"
    assert page.get_by_text("Сотрудник сообщил вам об этом по телефону").is_visible()
    assert "Told the mother" not in page.content()
    assert check_accessibility(page) == []
    screenshot(page, "deceased-ru")
    page.get_by_role("link", name="English").click()
    screenshot(page, "deceased-en")
    _assert_local_only(visit, live_server)


def test_family_sends_message(visit, live_server):
    case, code = _family(live_server, state="searching")
    _sign_in(visit, live_server, case.reference, code)
    page = visit.page
    page.get_by_label("Напишите нам").fill("У него шрам на левой руке.")
    page.get_by_role("button", name="Отправить сообщение").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().startswith("Ваше сообщение отправлено")
    assert page.get_by_text("У него шрам на левой руке.").is_visible()
    page.get_by_role("button", name="Выйти").click()
    assert page.get_by_text("Вы вышли.").is_visible()
    _assert_local_only(visit, live_server)


def test_online_inquiry_form_gives_reference_and_code(visit, live_server):
    page = visit.page
    page.goto(live_server.url + "/portal/inquiry")
    assert check_accessibility(page) == []
    page.get_by_role("button", name="Отправить запрос").click()
    assert page.get_by_role("alert").is_visible()
    assert check_accessibility(page) == []
    screenshot(page, "inquiry-errors")
    page.get_by_label("Ваши фамилия, имя и отчество").fill("Ирина Кузнецова")
    page.get_by_label("Кем он вам приходится?").select_option("mother")
    page.get_by_label("Номер телефона").fill("+7 912 000-11-22")
    page.get_by_label(re.compile(r"^Фамилия")).fill("Кузнецов")
    page.get_by_label("Имя", exact=True).fill("Дмитрий")
    page.get_by_label(re.compile("^Я согласен")).check()
    page.get_by_role("button", name="Отправить запрос").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ваш запрос зарегистрирован"
    reference, code = (text.strip() for text in page.locator("dd.code").all_inner_texts())
    screenshot(page, "inquiry-done")
    _sign_in(visit, live_server, reference, code)
    assert page.get_by_role("heading", level=1).inner_text() == "Мы получили ваш запрос"
    _assert_local_only(visit, live_server)


def test_plan_changed_notice_in_each_language(visit, live_server):
    def build(session):
        case, _inquiry, code = make_family(session, state="released", outcome="released")
        session.add(CallTask(case_id=case.id, kind="travel_plan_cancelled", reason="Handover cancelled"))
        session.flush()
        return case, code

    case, code = arrange(live_server.session_factory, build)
    _sign_in(visit, live_server, case.reference, code)
    page = visit.page
    for language, name, title in (
        ("ru", None, "Ваш план поездки изменился. Не отправляйтесь в путь, пока мы вам не позвоним."),
        ("uk", "Українська", "Ваш план поїздки змінився. Не вирушайте в дорогу, доки ми вам не зателефонуємо."),
        ("en", "English", "Your travel plan has changed. Do not travel until we call you."),
    ):
        if name:
            page.get_by_role("link", name=name).click()
        alert = page.get_by_role("alert")
        assert alert.get_by_role("heading", level=2).inner_text() == title
        assert alert.locator("a[href^='tel:']").is_visible()
        assert check_accessibility(page) == []
        screenshot(page, f"plan-changed-{language}")
    _assert_local_only(visit, live_server)
