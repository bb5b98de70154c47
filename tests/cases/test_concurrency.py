"""Acceptance 3: optimistic concurrency. Two officers editing with the same ETag: one wins, the other gets 412 and
nothing of theirs is written; a change without If-Match is 428."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.cases.factories import change, etag, open_case


def _patch(client, staff, reference, tag, body):
    return client.patch(f"/api/v1/cases/{reference}", json=body, headers=change(staff, tag))


def test_second_edit_with_stale_etag_gets_412_and_overwrites_nothing(client, make_staff, backend):
    operator, first, second = make_staff("operator"), make_staff("case_officer"), make_staff("case_officer")
    reference = open_case(client, operator)
    tag = etag(client, first, reference)

    won = _patch(client, first, reference, tag, {"priority": "urgent"})
    assert won.status_code == 200, won.text
    assert won.headers["ETag"] != tag
    lost = _patch(client, second, reference, tag, {"priority": "low", "sought": {"rank": "сержант"}})
    assert lost.status_code == 412, lost.text
    assert lost.json()["type"] == "/problems/precondition-failed"

    case = client.get(f"/api/v1/cases/{reference}", headers=first.headers).json()
    assert (case["priority"], case["sought"]["rank"]) == ("urgent", "рядовой")
    retried = _patch(client, second, reference, won.headers["ETag"], {"sought": {"rank": "сержант"}})
    assert retried.status_code == 200
    assert retried.json()["priority"] == "urgent"


def test_two_concurrent_edits_with_the_same_etag_one_wins_one_gets_412(client, make_staff, backend):
    operator, first, second = make_staff("operator"), make_staff("case_officer"), make_staff("case_officer")
    reference = open_case(client, operator)
    tag = etag(client, first, reference)
    edits = [(first, {"priority": "urgent"}), (second, {"sought": {"military_unit": "в/ч 54321"}})]
    start = threading.Barrier(2)

    def send(edit):
        start.wait()
        return _patch(client, edit[0], reference, tag, edit[1])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(send, edits))

    assert sorted(r.status_code for r in results) == [200, 412], [r.text for r in results]
    case = client.get(f"/api/v1/cases/{reference}", headers=first.headers).json()
    first_won = results[0].status_code == 200
    assert case["priority"] == ("urgent" if first_won else "normal")
    assert case["sought"]["military_unit"] == ("в/ч 12345" if first_won else "в/ч 54321")
    assert case["version"] == 2


def test_change_without_if_match_is_428(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    response = client.patch(f"/api/v1/cases/{reference}", json={"priority": "high"}, headers=officer.headers)
    assert response.status_code == 428
    assert response.json()["type"] == "/problems/precondition-required"
    transition = client.post(
        f"/api/v1/cases/{reference}/transitions", json={"to_state": "searching", "reason": "x"}, headers=officer.headers
    )
    assert transition.status_code == 428


def test_if_match_accepts_weak_and_listed_tags_but_not_a_wildcard(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    assert _patch(client, officer, reference, "*", {"priority": "high"}).status_code == 412
    assert _patch(client, officer, reference, 'W/"1"', {"priority": "high"}).status_code == 200
    assert _patch(client, officer, reference, '"7", "2"', {"priority": "low"}).status_code == 200


def test_get_returns_the_version_as_etag(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    response = client.get(f"/api/v1/cases/{reference}", headers=operator.headers)
    assert response.headers["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_patch_validates_fields_and_review_date(client, make_staff, backend):
    operator, officer = make_staff("operator"), make_staff("case_officer")
    reference = open_case(client, operator)
    tag = etag(client, officer, reference)
    bad = _patch(client, officer, reference, tag, {"sought": {"date_of_birth": "1999-13"}, "extra": 1})
    assert bad.status_code == 422
    pointers = {e.get("pointer") for e in bad.json()["errors"]}
    assert {"#/sought/date_of_birth", "#/extra"} <= pointers
    past = _patch(client, officer, reference, tag, {"next_review_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 422
    assert past.json()["errors"] == [{"pointer": "#/next_review_at", "detail": "must be in the future"}]
    cleared = _patch(client, officer, reference, tag, {"sought": {"rank": None, "service_number": "АВ 123-456"}})
    assert cleared.status_code == 200
    assert cleared.json()["sought"]["rank"] is None


def test_operator_cannot_edit_a_case(client, make_staff, backend):
    operator = make_staff("operator")
    reference = open_case(client, operator)
    response = _patch(client, operator, reference, etag(client, operator, reference), {"priority": "high"})
    assert response.status_code == 403
