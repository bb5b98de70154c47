from sqlalchemy import select

from app.audit.models import AuditEvent

NEW_USER = {
    "username": "Olena.K",
    "email": "olena@example.org",
    "full_name": "Olena K.",
    "password": "a very long password",
    "roles": ["case_officer", "supervisor"],
}


def test_admin_creates_user_and_new_user_can_sign_in(client, make_staff, db_session):
    admin = make_staff("admin")
    response = client.post("/api/v1/admin/users", json=NEW_USER, headers=admin.headers)
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["username"] == "olena.k" and user["roles"] == ["case_officer", "supervisor"]
    assert "password" not in user and "password_hash" not in user
    token = client.post("/api/v1/auth/token", data={"username": "olena.k", "password": NEW_USER["password"]})
    assert token.status_code == 200
    event = db_session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.created", AuditEvent.target_id == user["id"])
    ).scalar_one()
    assert event.actor == admin.id
    assert NEW_USER["email"] not in str(event.details)  # emails are personal data: hashed in the trail


def test_create_user_with_taken_username_is_conflict(client, make_staff):
    admin = make_staff("admin")
    assert client.post("/api/v1/admin/users", json=NEW_USER, headers=admin.headers).status_code == 201
    again = client.post("/api/v1/admin/users", json={**NEW_USER, "email": "other@example.org"}, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["errors"][0]["pointer"] == "#/username"


def test_non_admins_cannot_manage_users(client, make_staff):
    for role in ("operator", "case_officer", "coordinator", "supervisor", "auditor"):
        staff = make_staff(role)
        assert client.get("/api/v1/admin/users", headers=staff.headers).status_code == 403
        assert client.post("/api/v1/admin/users", json=NEW_USER, headers=staff.headers).status_code == 403


def test_list_users_is_paginated_and_filterable(client, make_staff):
    admin = make_staff("admin")
    for _ in range(3):
        make_staff("operator")
    page = client.get("/api/v1/admin/users", params={"limit": 2, "offset": 0}, headers=admin.headers).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    other = make_staff("operator")
    client.post(f"/api/v1/admin/users/{other.id}/deactivate", headers=admin.headers)
    inactive = client.get("/api/v1/admin/users", params={"active": "false"}, headers=admin.headers).json()
    assert [u["id"] for u in inactive["items"]] == [other.id]


def test_admin_cannot_deactivate_themselves(client, make_staff):
    admin = make_staff("admin")
    response = client.post(f"/api/v1/admin/users/{admin.id}/deactivate", headers=admin.headers)
    assert response.status_code == 422
    assert client.get("/api/v1/auth/me", headers=admin.headers).status_code == 200


def test_unknown_user_is_404(client, make_staff):
    admin = make_staff("admin")
    response = client.get("/api/v1/admin/users/00000000-0000-0000-0000-000000000000", headers=admin.headers)
    assert response.status_code == 404
    assert client.get("/api/v1/admin/users/not-a-uuid", headers=admin.headers).status_code == 422
