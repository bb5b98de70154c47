"""Rebuilding the lookup keys of the whole registry, in one transaction.

Needed when the engine's key scheme changes (an upgrade of `app.matching` bumps `KEY_SCHEME`): stored keys are the
engine's output at import time, and old keys would no longer meet new queries, so a registry stamped with an older
scheme refuses lookups until this ran. Readers keep seeing the old keys until the commit.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit import record, system_actor
from app.registry import storage
from app.registry.csvformat import KEY_COLUMNS_ALL
from app.registry.models import RegistryKey, RegistryKeyCount, RegistryPerson
from app.registry.writer import lock_registry

PAGE = 5_000


def rebuild_keys(session: Session) -> int:
    """Recompute `registry_key` and `registry_key_count` from the persons; returns the number of persons."""
    lock_registry(session)
    session.execute(delete(RegistryKey))
    session.execute(delete(RegistryKeyCount))
    columns = [RegistryPerson.id, *(getattr(RegistryPerson, c) for c in KEY_COLUMNS_ALL)]
    after, persons = 0, 0
    while True:
        rows = (
            session.execute(select(*columns).where(RegistryPerson.id > after).order_by(RegistryPerson.id).limit(PAGE))
            .mappings()
            .all()
        )
        if not rows:
            break
        keys: list[int] = []
        owners: list[int] = []
        counts: Counter[int] = Counter()
        for row in rows:
            retrieval, frequency = storage.stored_keys(dict(row))
            keys.extend(retrieval)
            owners.extend([row["id"]] * len(retrieval))
            counts.update(frequency)
        counts[storage.TOTAL_KEY] += len(rows)
        storage.copy_new_keys(session, keys, owners)
        storage.add_counts(session, counts)
        persons += len(rows)
        after = rows[-1]["id"]
    storage.stamp_key_scheme(session)
    record(
        session, actor=system_actor(), action="registry.rekeyed", target_type="registry", details={"persons": persons}
    )
    return persons
