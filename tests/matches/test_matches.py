"""Case matches: lookups propose candidates, officers decide, imports trigger a re-search."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.jobs import run_pending
from app.matches.models import CaseMatch
from app.transaction import unit_of_work
from tests.matches.factories import load_case, make_case
from tests.registry.factories import EXAMPLES, FILLER, IVANOV_UA, KUZNETSOV, import_rows

IVANOV_CASE = {"surname": "Иванов", "given_name": "Сергей", "patronymic": "Петрович", "date_of_birth": "1998-05-03"}


def _case_lookup(client, staff, reference, **body):
    response = client.post(f"/api/v1/cases/{reference}/lookups", json=body, headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _matches(client, staff, reference):
    response = client.get(f"/api/v1/cases/{reference}/matches", headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _decide(client, staff, reference, match_id, decision, **body):
    return client.post(f"/api/v1/cases/{reference}/matches/{match_id}/{decision}", json=body, headers=staff.headers)


def test_case_lookup_proposes_candidates_and_moves_the_case_to_match_proposed(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    officer = make_staff("case_officer")
    reference = make_case(session_factory, **IVANOV_CASE)

    result = _case_lookup(client, officer, reference)

    best = result["candidates"][0]
    assert (best["source_record_id"], best["match_status"]) == ("A-1", "proposed")
    assert result["proposed"] >= 1
    assert load_case(session_factory, reference).state == "match_proposed"
    matches = _matches(client, officer, reference)
    assert matches[0]["person_id"] == best["person_id"]
    assert matches[0]["explanation"] and matches[0]["origin"] == "lookup"
    assert all(m["strength"] in {"strong", "possible"} for m in matches)


def test_case_lookup_on_an_open_case_starts_the_search_first(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    reference = make_case(session_factory, state="open", **IVANOV_CASE)

    _case_lookup(client, make_staff("case_officer"), reference)

    assert load_case(session_factory, reference).state == "match_proposed"


def test_rejected_candidate_is_never_proposed_again_and_the_case_returns_to_searching(
    client, make_staff, session_factory
):
    import_rows(session_factory, [IVANOV_UA])
    officer = make_staff("case_officer")
    reference = make_case(session_factory, **IVANOV_CASE)
    match_id = _case_lookup(client, officer, reference)["candidates"][0]["match_id"]

    rejected = _decide(client, officer, reference, match_id, "reject", reason="Different father's name")
    again = _case_lookup(client, officer, reference)

    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert again["candidates"] == [] and again["proposed"] == 0
    assert load_case(session_factory, reference).state == "searching"
    assert [m["status"] for m in _matches(client, officer, reference)] == ["rejected"]


def test_confirm_allows_one_confirmed_person_per_case(client, make_staff, session_factory):
    import_rows(session_factory, [IVANOV_UA, {**IVANOV_UA, "source": "list-c", "source_record_id": "C-1"}])
    officer = make_staff("case_officer")
    reference = make_case(session_factory, **IVANOV_CASE)
    first, second = (c["match_id"] for c in _case_lookup(client, officer, reference)["candidates"][:2])

    confirmed = _decide(client, officer, reference, first, "confirm", reason="Same service number")
    other = _decide(client, officer, reference, second, "confirm")
    withdrawn = _decide(client, officer, reference, first, "reject", reason="Entered in error")
    now_allowed = _decide(client, officer, reference, second, "confirm")

    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert other.status_code == 409
    assert withdrawn.status_code == 200
    assert now_allowed.status_code == 200
    with unit_of_work(session_factory) as session:
        actions = list(session.execute(select(AuditEvent.action).where(AuditEvent.action.like("match.%"))).scalars())
    assert actions.count("match.confirmed") == 2 and actions.count("match.rejected") == 1


def test_deciding_a_rejected_match_again_is_409(client, make_staff, session_factory):
    import_rows(session_factory, [IVANOV_UA])
    officer = make_staff("case_officer")
    reference = make_case(session_factory, **IVANOV_CASE)
    match_id = _case_lookup(client, officer, reference)["candidates"][0]["match_id"]
    _decide(client, officer, reference, match_id, "reject", reason="no")

    assert _decide(client, officer, reference, match_id, "confirm").status_code == 409
    assert _decide(client, officer, reference, match_id, "reject", reason="no").status_code == 409


def test_reject_without_a_reason_is_422(client, make_staff, session_factory):
    import_rows(session_factory, [IVANOV_UA])
    officer = make_staff("case_officer")
    reference = make_case(session_factory, **IVANOV_CASE)
    match_id = _case_lookup(client, officer, reference)["candidates"][0]["match_id"]

    assert _decide(client, officer, reference, match_id, "reject").status_code == 422


def test_manual_proposal_of_a_weak_candidate(client, make_staff, session_factory):
    import_rows(session_factory, EXAMPLES)
    officer = make_staff("case_officer")
    reference = make_case(session_factory, surname="Кузнецов", given_name="Александр")
    kuznetsov = _case_lookup(client, officer, reference)["candidates"]
    other = (
        next(c for c in kuznetsov if c["match_id"] is None) if any(c["match_id"] is None for c in kuznetsov) else None
    )
    person_id = other["person_id"] if other else _person_id(client, officer, "A-4")

    response = client.post(f"/api/v1/cases/{reference}/matches", json={"person_id": person_id}, headers=officer.headers)
    duplicate = client.post(
        f"/api/v1/cases/{reference}/matches", json={"person_id": person_id}, headers=officer.headers
    )

    assert response.status_code == 201, response.text
    assert response.json()["origin"] == "manual" and response.json()["explanation"]
    assert duplicate.status_code == 409


def _person_id(client, staff, record_id):
    items = client.get(
        "/api/v1/registry/persons", params={"source_record_id": record_id}, headers=staff.headers
    ).json()["items"]
    return items[0]["person_id"]


def test_case_out_of_the_officers_scope_is_404(client, make_staff, session_factory):
    import_rows(session_factory, [IVANOV_UA])
    owner, other = make_staff("case_officer"), make_staff("case_officer")
    reference = make_case(session_factory, assigned_to=owner.id, **IVANOV_CASE)

    response = client.post(f"/api/v1/cases/{reference}/lookups", json={}, headers=other.headers)
    listing = client.get(f"/api/v1/cases/{reference}/matches", headers=other.headers)

    assert response.status_code == 404 and listing.status_code == 404


def test_case_lookup_as_operator_is_forbidden(client, make_staff, session_factory):
    reference = make_case(session_factory, **IVANOV_CASE)

    response = client.post(f"/api/v1/cases/{reference}/lookups", json={}, headers=make_staff("operator").headers)

    assert response.status_code == 403


def test_case_lookup_with_nothing_to_search_is_422(client, make_staff, session_factory):
    reference = make_case(session_factory, date_of_birth="1990")

    response = client.post(f"/api/v1/cases/{reference}/lookups", json={}, headers=make_staff("case_officer").headers)

    assert response.status_code == 422


def test_import_research_flags_open_cases_with_new_candidates(client, make_staff, session_factory):
    import_rows(session_factory, [FILLER[3]])
    searching = make_case(session_factory, **IVANOV_CASE)
    not_found = make_case(
        session_factory, state="not_found", surname="Кузнецов", given_name="Александр", date_of_birth="1999-12-07"
    )
    closed = make_case(session_factory, state="closed", surname="Кузнецов", given_name="Александр")
    run_pending(session_factory)  # the research after the first import: nothing close enough for either case
    assert not load_case(session_factory, searching).needs_review

    import_rows(session_factory, [IVANOV_UA, KUZNETSOV])
    run_pending(session_factory)

    flagged = load_case(session_factory, searching)
    assert (flagged.needs_review, flagged.state) == (True, "match_proposed")
    kept = load_case(session_factory, not_found)
    assert (kept.needs_review, kept.state) == (True, "not_found")
    assert not load_case(session_factory, closed).needs_review
    with unit_of_work(session_factory) as session:
        origins = set(session.execute(select(CaseMatch.origin)).scalars())
    assert origins == {"research"}


def test_deciding_every_research_proposal_clears_the_review_flag(client, make_staff, session_factory):
    reference = make_case(session_factory, state="not_found", **IVANOV_CASE)
    import_rows(session_factory, [IVANOV_UA])
    run_pending(session_factory)
    officer = make_staff("case_officer")
    (match,) = _matches(client, officer, reference)

    _decide(client, officer, reference, match["id"], "reject", reason="Not him")

    assert not load_case(session_factory, reference).needs_review
