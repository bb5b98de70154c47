from sqlalchemy import select

from app.demo import DEMO_ACCOUNTS, seed_demo_accounts
from app.staff.models import StaffUser
from app.transaction import unit_of_work
from tests.conftest import make_settings


def test_seed_twice_creates_each_demo_account_once_with_generated_password(session_factory, db_url, tmp_path, client):
    settings = make_settings(db_url, environment="development")
    password_file = tmp_path / "demo-password"
    with unit_of_work(session_factory) as session:
        first = seed_demo_accounts(session, settings, password_file)
    with unit_of_work(session_factory) as session:
        second = seed_demo_accounts(session, settings, password_file)
    assert first.generated and not second.generated
    assert first.password == second.password == password_file.read_text().strip()
    assert sorted(first.created) == sorted(DEMO_ACCOUNTS) and second.created == []
    with unit_of_work(session_factory) as session:
        names = session.execute(select(StaffUser.username)).scalars().all()
    assert sorted(names) == sorted(DEMO_ACCOUNTS)
    token = client.post("/api/v1/auth/token", data={"username": "demo-operator", "password": first.password})
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/api/v1/admin/users", headers=headers).status_code == 403


def test_seed_uses_configured_demo_password(session_factory, db_url, tmp_path):
    settings = make_settings(db_url, environment="development", demo_password="configured demo password")
    with unit_of_work(session_factory) as session:
        result = seed_demo_accounts(session, settings, tmp_path / "unused")
    assert result.password == "configured demo password" and not (tmp_path / "unused").exists()


def test_seed_refuses_production(session_factory, db_url, tmp_path):
    import pytest

    settings = make_settings(db_url)
    object.__setattr__(settings, "environment", "production")
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as session:
        seed_demo_accounts(session, settings, tmp_path / "pw")
