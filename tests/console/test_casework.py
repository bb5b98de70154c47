"""The case page over HTTP: allowed transitions only, the two-person rule, stale versions, contacts, access codes,
family messages, scope (out-of-scope cases are 404 as in the API)."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.cases.models import Case
from tests.console.factories import log_call
from tests.console.helpers import add_staff, sign_in


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found
    return found.group(1)


def _seen(html: str) -> str:
    return re.search(r'name="seen_at" value="([^"]+)"', html).group(1)


def test_officer_moves_a_case_with_only_allowed_transitions(client, session_factory, db_session):
    operator = add_staff(session_factory, "operator")
    reference, _ = log_call(session_factory, operator)
    officer = sign_in(client, add_staff(session_factory, "case_officer"))
    page = officer.get(f"/staff/cases/{reference}")
    assert page.status_code == 200
    assert re.findall(r'name="to_state" value="([a-z_]+)"', page.text) == ["searching"]
    missing = officer.post(
        f"/staff/cases/{reference}/transition", {"to_state": "searching", "version": _version(page.text)}
    )
    assert missing.status_code == 422 and "Обов’язкове поле." in missing.text
    moved = officer.post(
        f"/staff/cases/{reference}/transition",
        {
            "to_state": "searching",
            "reason": "Почали пошук",
            "version": _version(page.text),
            "seen_at": _seen(page.text),
        },
    )
    assert moved.status_code == 200 and "Пошук триває" in moved.text
    assert db_session.execute(select(Case.state).where(Case.reference == reference)).scalar_one() == "searching"


def test_stale_version_says_someone_changed_the_case_and_what(client, session_factory, db_session):
    operator = add_staff(session_factory, "operator")
    reference, _ = log_call(session_factory, operator)
    first = sign_in(client, add_staff(session_factory, "case_officer", full_name="Перший Кейс"))
    page = first.get(f"/staff/cases/{reference}").text
    from fastapi.testclient import TestClient

    with TestClient(client.app) as other_client:
        second = sign_in(other_client, add_staff(session_factory, "supervisor", full_name="Друга Керівниця"))
        other = second.get(f"/staff/cases/{reference}").text
        second.post(
            f"/staff/cases/{reference}/transition",
            {"to_state": "searching", "reason": "Я вже почала", "version": _version(other), "seen_at": _seen(other)},
        )
    stale = first.post(
        f"/staff/cases/{reference}/transition",
        {"to_state": "searching", "reason": "Мій текст", "version": _version(page), "seen_at": _seen(page)},
    )
    assert stale.status_code == 412
    assert "Хтось змінив цю справу, поки ви редагували" in stale.text
    assert "Друга Керівниця" in stale.text and "Я вже почала" in stale.text
    assert "Мій текст" in stale.text  # what was typed is kept


def test_deceased_needs_a_second_person(client, session_factory, db_session):
    operator = add_staff(session_factory, "operator")
    reference, _ = log_call(session_factory, operator)
    proposer = sign_in(client, add_staff(session_factory, "case_officer"))

    def move(console, to_state, reason="причина"):
        page = console.get(f"/staff/cases/{reference}").text
        return console.post(
            f"/staff/cases/{reference}/transition",
            {"to_state": to_state, "reason": reason, "version": _version(page), "seen_at": _seen(page)},
        )

    move(proposer, "searching")
    proposed = move(proposer, "deceased", "Підтверджено списком")
    assert proposed.status_code == 200 and "Чекають другого підпису" not in proposed.text
    assert "чекає другого підпису" in proposed.text
    page = proposer.get(f"/staff/cases/{reference}").text
    assert "/proposal/confirm" not in page and "/proposal/withdraw" in page
    assert db_session.execute(select(Case.state).where(Case.reference == reference)).scalar_one() == "searching"


def test_operator_logs_a_contact_and_reissues_a_code_but_sees_no_timeline(client, session_factory):
    operator_user = add_staff(session_factory, "operator")
    reference, _ = log_call(session_factory, operator_user)
    operator = sign_in(client, operator_user)
    page = operator.get(f"/staff/cases/{reference}")
    assert "timeline-title" not in page.text and "/transition" not in page.text
    logged = operator.post(
        f"/staff/cases/{reference}/contacts",
        {"contact.direction": "outbound", "contact.channel": "phone", "contact.summary": "Передзвонили матері"},
    )
    assert logged.status_code == 200 and "Передзвонили матері" in logged.text
    inquiry_id = re.search(r'name="inquiry_id" value="([^"]+)"', page.text).group(1)
    code = operator.post(f"/staff/cases/{reference}/access-code", {"inquiry_id": inquiry_id})
    assert code.status_code == 201 and "Попередній код більше не діє." in code.text


def test_scope_out_of_scope_cases_are_404_and_other_roles_screens_403(client, session_factory):
    operator = add_staff(session_factory, "operator")
    reference, _ = log_call(session_factory, operator)
    supervisor = sign_in(client, add_staff(session_factory, "supervisor"))
    colleague = add_staff(session_factory, "case_officer")
    page = supervisor.get(f"/staff/cases/{reference}").text
    supervisor.post(f"/staff/cases/{reference}/assign", {"officer_id": str(colleague.id), "version": _version(page)})
    officer = sign_in(client, add_staff(session_factory, "case_officer"))
    assert officer.get(f"/staff/cases/{reference}").status_code == 404
    assert officer.post(f"/staff/cases/{reference}/assign", {"officer_id": ""}).status_code == 403
    coordinator = sign_in(client, add_staff(session_factory, "coordinator"))
    assert coordinator.get(f"/staff/cases/{reference}").status_code == 404
    admin = sign_in(client, add_staff(session_factory, "admin"))
    assert admin.get(f"/staff/cases/{reference}").status_code == 403


def test_each_roles_screens_are_closed_to_the_others(client, session_factory):
    screens = {
        "/staff/calls/new": {"operator", "case_officer", "supervisor"},
        "/staff/cases": {"case_officer", "supervisor"},
        "/staff/dashboard": {"supervisor"},
        "/staff/audit": {"supervisor", "auditor"},
        "/staff/admin/users": {"admin"},
    }
    for role in ("operator", "case_officer", "coordinator", "supervisor", "auditor", "admin"):
        console = sign_in(client, add_staff(session_factory, role))
        for path, allowed in screens.items():
            status = console.get(path).status_code
            assert status == (200 if role in allowed else 403), (role, path, status)
