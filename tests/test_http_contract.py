"""Cross-cutting HTTP behaviour: problem details, request ids, caching and security headers, logs."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.testclient import TestClient

from app.auth.dependencies import public
from tests.conftest import TEST_PASSWORD


def test_validation_error_is_problem_json_with_field_pointers(client, make_staff):
    admin = make_staff("admin")
    response = client.post(
        "/api/v1/admin/users",
        headers=admin.headers,
        json={
            "username": "x",
            "email": "not-an-email",
            "full_name": "",
            "password": "short",
            "roles": ["pilot"],
            "is_god": True,
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert body["status"] == 422
    assert body["instance"] == "/api/v1/admin/users"
    pointers = {error["pointer"] for error in body["errors"]}
    assert {"#/username", "#/email", "#/full_name", "#/password", "#/roles/0", "#/is_god"} <= pointers
    assert "short" not in response.text  # rejected values are not echoed


def test_unknown_route_is_problem_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


def test_request_id_is_echoed_when_well_formed_and_generated_otherwise(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-12345678"}).headers["x-request-id"] == "abc-12345678"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\\with stuff"}).headers["x-request-id"]
    assert generated != "bad id\\with stuff" and len(generated) == 32


def test_api_responses_are_not_cached_and_carry_security_headers(client, make_staff):
    staff = make_staff("operator")
    response = client.get("/api/v1/auth/me", headers=staff.headers)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_unexpected_error_is_generic_500_with_request_id(app):
    boom = APIRouter()

    @boom.get("/boom", dependencies=[public()])
    def explode() -> None:
        raise RuntimeError("SELECT secret FROM table -- stack detail")

    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-00000001"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-00000001"
    body = response.json()
    assert body["request_id"] == "req-00000001"
    assert "SELECT" not in response.text and "Traceback" not in response.text


def test_logs_never_contain_passwords_tokens_or_personal_data(client, make_staff, caplog):
    staff = make_staff("operator")
    canary_password = "CANARY-PASSWORD-93c1f"
    with caplog.at_level(logging.DEBUG):
        client.post("/api/v1/auth/token", data={"username": staff.user.username, "password": canary_password})
        good = client.post("/api/v1/auth/token", data={"username": staff.user.username, "password": TEST_PASSWORD})
        token = good.json()["access_token"]
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        client.get(
            "/api/v1/audit/events",
            params={"actor": "CANARY-NAME-Ivanova"},
            headers={"Authorization": f"Bearer {token}"},
        )
        client.post("/api/v1/auth/refresh", json={"refresh_token": good.json()["refresh_token"]})
    # httpx is the test's own client, not the server: its log line quotes the URL it was asked to fetch.
    records = [logging.Formatter().format(r) + str(r.__dict__) for r in caplog.records if r.name != "httpx"]
    text = "\n".join(records)
    assert records, "requests should be logged"
    assert canary_password not in text
    assert token not in text
    assert good.json()["refresh_token"] not in text
    assert "CANARY-NAME-Ivanova" not in text


def test_readyz_reports_pending_migrations(client, db_url, backend):
    from sqlalchemy import create_engine, text

    assert client.get("/readyz").json()["status"] == "ready"
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "migrations pending"
