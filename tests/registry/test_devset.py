"""The development set through the database path: import the registry, run every query, measure.

The same thresholds as the engine's own quality test, but through `liaison`'s storage (keys in indexed tables,
counts, the import pipeline), so a storage bug that loses candidates or miscounts frequencies fails here. The
registry is imported once per backend for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.db import create_db_engine, create_session_factory
from app.matching.evaluate import load_labels, load_queries
from app.registry.lookup import find_candidates
from app.transaction import unit_of_work
from tests.conftest import BACKENDS, make_settings
from tests.registry.factories import import_bytes

DEV = Path(__file__).resolve().parents[1] / "data" / "matching"


@pytest.fixture(scope="module", params=BACKENDS)
def dev_registry(request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    chosen = request.config.getoption("--db")
    if chosen not in ("both", request.param):
        pytest.skip(f"--db {chosen}")
    template = request.getfixturevalue("_sqlite_template" if request.param == "sqlite" else "_pg_template")
    url = template.new_database()
    engine = create_db_engine(url)
    factory = create_session_factory(engine, make_settings(url))
    job = import_bytes(factory, (DEV / "registry.csv").read_bytes(), filename="registry.csv")
    assert (job.created, job.rejected) == (30_000, 0)
    yield factory
    engine.dispose()
    template.drop_database(url)


def test_devset_lookup_through_the_database_meets_the_quality_bar(dev_registry):
    queries = load_queries(DEV / "queries.csv")
    labels = load_labels(DEV / "labels.csv")
    present = hit1 = hit10 = absent = absent_strong = 0
    with unit_of_work(dev_registry) as session:
        for query_id, query in queries:
            expected, _ = labels[query_id]
            found = find_candidates(session, query, limit=10)
            ids = [c.person.source_record_id for c in found]
            if expected is None:
                absent += 1
                absent_strong += any(c.match.strength == "strong" for c in found)
                continue
            present += 1
            hit1 += bool(ids) and ids[0] == expected
            hit10 += expected in ids

    assert present > 2000 and absent > 100
    assert hit10 / present >= 0.98
    assert hit1 / present >= 0.90
    assert absent_strong / absent <= 0.01
