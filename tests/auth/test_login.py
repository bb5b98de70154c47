from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD


def login(client, username: str, password: str = TEST_PASSWORD, **kwargs):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password}, **kwargs)


def actions(db_session) -> list[str]:
    return list(db_session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_login_with_correct_password_returns_short_lived_tokens(client, make_staff, db_session):
    staff = make_staff("operator")
    response = login(client, staff.user.username)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 15 * 60
    assert response.headers["cache-control"] == "no-store"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["roles"] == ["operator"]
    assert "auth.login_succeeded" in actions(db_session)


def test_login_with_wrong_password_or_unknown_user_gives_identical_answer(client, make_staff, db_session):
    staff = make_staff("operator")
    wrong = login(client, staff.user.username, "not the password at all")
    unknown = login(client, "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong.json()) == strip(unknown.json())
    assert actions(db_session).count("auth.login_failed") == 2


def test_login_after_ten_failures_is_throttled_with_retry_after(client, make_staff):
    staff = make_staff("operator")
    for _ in range(10):
        assert login(client, staff.user.username, "wrong password!!").status_code == 401
    throttled = login(client, staff.user.username)  # even the right password is refused now
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0


def test_login_throttle_counts_unknown_accounts_the_same_way(client):
    for _ in range(10):
        assert login(client, "ghost-account", "wrong password!!").status_code == 401
    assert login(client, "ghost-account", "wrong password!!").status_code == 429


def test_login_throttle_per_client_address_spans_accounts(client, make_staff):
    staff = make_staff("operator")
    for i in range(10):
        assert login(client, f"guess-{i}", "wrong password!!").status_code == 401
    assert login(client, staff.user.username).status_code == 429


def test_refresh_rotates_and_old_token_reuse_revokes_the_session(client, make_staff):
    staff = make_staff("operator")
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": staff.refresh_token})
    assert first.status_code == 200, first.text
    pair = first.json()
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": staff.refresh_token})
    assert reuse.status_code == 401
    # the whole family is revoked: the newer refresh token and the access tokens stop working
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_refresh_with_access_token_is_rejected(client, make_staff):
    staff = make_staff("operator")
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": staff.access_token}).status_code == 401


def test_logout_revokes_access_and_refresh_tokens(client, make_staff):
    staff = make_staff("operator")
    assert client.post("/api/v1/auth/logout", headers=staff.headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=staff.headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": staff.refresh_token}).status_code == 401


def test_deactivation_takes_effect_on_next_request(client, make_staff):
    admin, operator = make_staff("admin"), make_staff("operator")
    assert client.get("/api/v1/auth/me", headers=operator.headers).status_code == 200
    response = client.post(f"/api/v1/admin/users/{operator.id}/deactivate", headers=admin.headers)
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me", headers=operator.headers).status_code == 401
    assert login(client, operator.user.username).status_code == 401


def test_role_change_takes_effect_on_next_request(client, make_staff):
    admin, user = make_staff("admin"), make_staff("auditor")
    assert client.get("/api/v1/audit/events", headers=user.headers).status_code == 200
    response = client.patch(f"/api/v1/admin/users/{user.id}", json={"roles": ["operator"]}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert client.get("/api/v1/audit/events", headers=user.headers).status_code == 403


def test_access_denial_is_audited(client, make_staff, db_session):
    operator = make_staff("operator")
    assert client.get("/api/v1/admin/users", headers=operator.headers).status_code == 403
    event = db_session.execute(select(AuditEvent).where(AuditEvent.action == "auth.access_denied")).scalar_one()
    assert event.actor == operator.id
    assert event.details["permission"] == "users:manage"


def test_request_without_token_is_unauthorized_with_problem_details(client, db_session):
    response = client.get("/api/v1/admin/users")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthorized"
    assert db_session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0
