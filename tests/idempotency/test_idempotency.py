"""Acceptance 2: Idempotency-Key. A retried POST replays the first response and creates nothing; 20 concurrent
identical retries create exactly one inquiry; the same key with another body is refused."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from app.cases.models import Case
from app.db import utcnow
from app.idempotency import service
from app.idempotency.models import IdempotencyRecord
from app.inquiries.models import Inquiry
from app.transaction import unit_of_work
from tests.cases.factories import inquiry_body, new_key


def _count(session, model) -> int:
    """Count in a transaction of its own, ended at once (on SQLite an open one would block the app's writers)."""
    try:
        return session.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        session.rollback()


def test_retry_with_same_key_and_body_replays_first_response_and_creates_nothing(
    client, make_staff, db_session, backend
):
    operator = make_staff("operator")
    headers = {**operator.headers, "Idempotency-Key": new_key()}
    first = client.post("/api/v1/inquiries", json=inquiry_body(), headers=headers)
    retry = client.post("/api/v1/inquiries", json=inquiry_body(), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.json()["access_code"] == first.json()["access_code"]
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(db_session, Inquiry) == 1
    assert _count(db_session, Case) == 1


def test_retry_with_reordered_json_keys_is_the_same_request(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    headers = {**operator.headers, "Idempotency-Key": new_key(), "Content-Type": "application/json"}
    body = inquiry_body()
    first = client.post("/api/v1/inquiries", json=body, headers=headers)
    parts = {k: json.dumps(body[k]) for k in ("sought", "consent", "operator_notes", "requester")}
    reordered = (
        f'{{"sought": {parts["sought"]}, "channel": "phone", "consent": {parts["consent"]}, '
        f'"operator_notes": {parts["operator_notes"]}, "requester": {parts["requester"]}}}'
    )
    retry = client.post("/api/v1/inquiries", content=reordered, headers=headers)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert _count(db_session, Inquiry) == 1


def test_same_key_with_different_body_is_refused_with_422(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    headers = {**operator.headers, "Idempotency-Key": new_key()}
    assert client.post("/api/v1/inquiries", json=inquiry_body(), headers=headers).status_code == 201
    other = client.post("/api/v1/inquiries", json=inquiry_body(operator_notes="changed"), headers=headers)
    assert other.status_code == 422, other.text
    problem = other.json()
    assert problem["type"] == "/problems/idempotency-key-reused"
    assert problem["errors"] == [
        {"header": "Idempotency-Key", "detail": "already used with another method, path or body"}
    ]
    assert _count(db_session, Inquiry) == 1


def test_same_key_on_another_route_is_refused(client, make_staff, backend):
    operator = make_staff("operator")
    headers = {**operator.headers, "Idempotency-Key": new_key()}
    assert client.post("/api/v1/inquiries", json=inquiry_body(), headers=headers).status_code == 201
    check = client.post("/api/v1/inquiries/check-duplicates", json={"sought": {"surname": "X"}}, headers=headers)
    assert check.status_code == 422


def test_keys_are_per_caller(client, make_staff, db_session, backend):
    key = new_key()
    for operator in (make_staff("operator"), make_staff("operator")):
        response = client.post(
            "/api/v1/inquiries", json=inquiry_body(), headers={**operator.headers, "Idempotency-Key": key}
        )
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response.headers
    assert _count(db_session, Inquiry) == 2


def test_without_key_every_post_creates(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    for _ in range(2):
        assert client.post("/api/v1/inquiries", json=inquiry_body(), headers=operator.headers).status_code == 201
    assert _count(db_session, Inquiry) == 2


def test_error_is_not_stored_so_a_corrected_retry_runs(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    headers = {**operator.headers, "Idempotency-Key": new_key()}
    body = inquiry_body(case_reference="PW-0000-0000-0")
    failed = client.post("/api/v1/inquiries", json=body, headers=headers)
    assert failed.status_code == 404, failed.text
    assert _count(db_session, IdempotencyRecord) == 0
    again = client.post("/api/v1/inquiries", json=body, headers=headers)
    assert again.status_code == 404
    assert "Idempotent-Replayed" not in again.headers


def test_malformed_key_is_refused(client, make_staff, backend):
    operator = make_staff("operator")
    response = client.post(
        "/api/v1/inquiries", json=inquiry_body(), headers={**operator.headers, "Idempotency-Key": "has spaces"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["header"] == "Idempotency-Key"


def test_stored_response_is_encrypted(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    created = client.post(
        "/api/v1/inquiries", json=inquiry_body(), headers={**operator.headers, "Idempotency-Key": new_key()}
    ).json()
    stored = db_session.execute(select(IdempotencyRecord)).scalar_one()
    db_session.rollback()
    assert stored.status_code == 201
    assert created["access_code"] not in (stored.response_body or "")
    assert "Иванова" not in (stored.response_body or "")
    assert stored.response_headers == {"location": f"/api/v1/inquiries/{created['inquiry']['id']}"}


def test_twenty_concurrent_identical_retries_create_exactly_one_inquiry(client, make_staff, db_session, backend):
    operator = make_staff("operator")
    headers = {**operator.headers, "Idempotency-Key": new_key()}
    body = inquiry_body()
    start = threading.Barrier(20)

    def send(_: int):
        start.wait()
        return client.post("/api/v1/inquiries", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))

    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses if r.status_code != 201]
    assert len({r.text for r in responses}) == 1
    assert sum("Idempotent-Replayed" not in r.headers for r in responses) == 1
    assert _count(db_session, Inquiry) == 1
    assert _count(db_session, Case) == 1
    assert _count(db_session, IdempotencyRecord) == 1


def test_expired_record_is_purged_and_its_key_can_be_used_again(
    session_factory, client, make_staff, db_session, backend
):
    operator = make_staff("operator")
    key = new_key()
    headers = {**operator.headers, "Idempotency-Key": key}
    assert client.post("/api/v1/inquiries", json=inquiry_body(), headers=headers).status_code == 201
    with unit_of_work(session_factory) as session:
        record = session.execute(select(IdempotencyRecord)).scalar_one()
        record.expires_at = utcnow() - timedelta(seconds=1)
    fresh = client.post("/api/v1/inquiries", json=inquiry_body(operator_notes="a new request"), headers=headers)
    assert fresh.status_code == 201
    assert "Idempotent-Replayed" not in fresh.headers
    with unit_of_work(session_factory) as session:
        session.execute(select(IdempotencyRecord)).scalar_one().expires_at = utcnow() - timedelta(seconds=1)
        assert service.purge_expired(session) == 1
    assert _count(db_session, IdempotencyRecord) == 0
