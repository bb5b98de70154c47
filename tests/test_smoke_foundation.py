def test_health_and_admin_users(client, make_staff, backend):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    admin = make_staff("admin")
    operator = make_staff("operator")
    assert client.get("/api/v1/admin/users", headers=operator.headers).status_code == 403
    response = client.get("/api/v1/admin/users", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 2
