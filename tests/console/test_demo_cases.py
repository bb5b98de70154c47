"""`liaison seed --demo` makes a small fictional registry and demo cases in several states, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cases.models import Case
from app.demo import seed_demo_accounts
from app.demo_cases import seed_demo_cases
from app.registry.models import RegistryPerson
from app.transaction import unit_of_work
from tests.conftest import make_settings


def test_demo_cases_in_several_states_seeded_once(session_factory, db_url, tmp_path, client):
    settings = make_settings(db_url, environment="development", demo_password="demo password for tests")
    with unit_of_work(session_factory) as session:
        seed_demo_accounts(session, settings, tmp_path / "pw")
        first = seed_demo_cases(session, settings)
    with unit_of_work(session_factory) as session:
        second = seed_demo_cases(session, settings)
        states = sorted(session.execute(select(Case.state)).scalars())
        persons = session.execute(select(func.count()).select_from(RegistryPerson)).scalar_one()
    assert len(first.cases) == 5 and second.cases == [] and second.registry_persons == 0
    assert persons == 50
    assert {"match_proposed", "in_captivity", "searching", "open"} <= set(states)
    # The README's lookup example finds the demo registry's Іванов Олексій Сергійович.
    token = client.post(
        "/api/v1/auth/token", data={"username": "demo-case-officer", "password": "demo password for tests"}
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    found = client.post(
        "/api/v1/registry/lookups",
        json={"full_name": "Иванова Алексея Сергеевича", "date_of_birth": "1999"},
        headers=headers,
    ).json()
    assert found["candidates"][0]["summary"]["surname"] == "Іванов"
