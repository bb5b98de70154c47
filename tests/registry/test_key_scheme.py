"""Retrieval keys carry the engine's key scheme: a registry keyed by an older engine refuses lookups until rekeyed."""

from __future__ import annotations

from sqlalchemy import delete, update

from app.matching.keys import KEY_SCHEME
from app.registry import storage
from app.registry.models import RegistryKeyCount
from app.registry.rekey import rebuild_keys
from app.transaction import unit_of_work
from tests.registry.factories import EXAMPLES, import_rows


def _lookup(client, staff):
    body = {"full_name": "Ivanov Sergey Petrovich", "date_of_birth": "1998"}
    return client.post("/api/v1/registry/lookups", json=body, headers=staff.headers)


def _set_scheme(session_factory, scheme: int | None) -> None:
    with unit_of_work(session_factory) as session:
        if scheme is None:
            session.execute(delete(RegistryKeyCount).where(RegistryKeyCount.key == storage.SCHEME_KEY))
        else:
            row = update(RegistryKeyCount).where(RegistryKeyCount.key == storage.SCHEME_KEY).values(count=scheme)
            session.execute(row)


def test_first_import_stamps_the_engine_scheme_and_lookups_work(client, make_staff, session_factory, backend):
    import_rows(session_factory, EXAMPLES)
    with unit_of_work(session_factory) as session:
        assert session.get(RegistryKeyCount, storage.SCHEME_KEY).count == KEY_SCHEME
    response = _lookup(client, make_staff("case_officer"))
    assert response.status_code == 200 and response.json()["candidates"], response.text


def test_older_keys_refuse_lookups_with_a_clear_message_until_rekey(client, make_staff, session_factory, backend):
    import_rows(session_factory, EXAMPLES)
    officer = make_staff("case_officer")
    for stale in (KEY_SCHEME - 1, None):  # an older engine's keys, or keys from before the stamp existed
        _set_scheme(session_factory, stale)
        refused = _lookup(client, officer)
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["type"].endswith("/registry-keys-stale")
        assert "liaison registry rekey" in problem["detail"] and problem["engine_scheme"] == KEY_SCHEME
    with unit_of_work(session_factory) as session:
        rebuild_keys(session)
    again = _lookup(client, officer)
    assert again.status_code == 200 and again.json()["candidates"][0]["source_record_id"] == "A-1"


def test_an_empty_registry_answers_lookups_without_a_stamp(client, make_staff, backend):
    response = _lookup(client, make_staff("case_officer"))
    assert response.status_code == 200 and response.json()["candidates"] == []
