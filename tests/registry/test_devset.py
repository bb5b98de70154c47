"""The development sets through the database path: import the registry, run every query, measure.

The same thresholds as the engine's own quality tests (tests/matching/test_devset.py, test_hard_devset.py), but
through `liaison`'s storage (keys in indexed tables, counts, the import pipeline), so a storage bug that loses
candidates or miscounts frequencies fails here. Each registry is imported once per backend for the module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.db import create_db_engine, create_session_factory
from app.matching.evaluate import HARD_STATED_ON, load_labels, load_queries
from app.registry.lookup import find_candidates
from app.transaction import unit_of_work
from tests.conftest import BACKENDS, make_settings
from tests.registry.factories import import_bytes

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[1] / "data"
DEV = DATA / "matching"
HARD = DATA / "matching-hard"


def _registry(request: pytest.FixtureRequest, data: Path) -> Iterator[sessionmaker[Session]]:
    chosen = request.config.getoption("--db")
    if chosen not in ("both", request.param):
        pytest.skip(f"--db {chosen}")
    template = request.getfixturevalue("_sqlite_template" if request.param == "sqlite" else "_pg_template")
    url = template.new_database()
    engine = create_db_engine(url)
    factory = create_session_factory(engine, make_settings(url))
    job = import_bytes(factory, (data / "registry.csv").read_bytes(), filename="registry.csv")
    assert (job.created, job.rejected) == (30_000, 0)
    yield factory
    engine.dispose()
    template.drop_database(url)


@pytest.fixture(scope="module", params=BACKENDS)
def dev_registry(request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    yield from _registry(request, DEV)


@pytest.fixture(scope="module", params=BACKENDS)
def hard_registry(request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    yield from _registry(request, HARD)


def _measure(factory: sessionmaker[Session], data: Path, stated_on: str | None = None) -> dict[str, object]:
    queries = load_queries(data / "queries.csv", stated_on=stated_on)
    labels = load_labels(data / "labels.csv")
    present = hit1 = hit10 = absent = absent_strong = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with unit_of_work(factory) as session:
        for query_id, query in queries:
            expected, kinds = labels[query_id]
            found = find_candidates(session, query, limit=10)
            ids = [c.person.source_record_id for c in found]
            if expected is None:
                absent += 1
                absent_strong += any(c.match.strength == "strong" for c in found)
                continue
            present += 1
            hit1 += bool(ids) and ids[0] == expected
            hit10 += expected in ids
            for kind in kinds:
                by_kind[kind][0] += 1
                by_kind[kind][1] += expected in ids
    figures = {
        "present": present,
        "absent": absent,
        "recall@1": hit1 / present,
        "recall@10": hit10 / present,
        "absent_strong": absent_strong / absent,
        "kinds@10": {kind: round(hit / n, 3) for kind, (n, hit) in sorted(by_kind.items())},
    }
    print(f"\n{data.name}: {figures}")
    return figures


def test_devset_lookup_through_the_database_meets_the_quality_bar(dev_registry):
    figures = _measure(dev_registry, DEV)
    assert figures["present"] > 2000 and figures["absent"] > 100
    assert figures["recall@10"] >= 0.98
    assert figures["recall@1"] >= 0.90
    assert figures["absent_strong"] <= 0.01


def test_hard_devset_lookup_through_the_database_meets_the_targets(hard_registry):
    figures = _measure(hard_registry, HARD, HARD_STATED_ON)
    assert figures["present"] > 1000 and figures["absent"] > 200
    assert figures["recall@1"] >= 0.95
    assert figures["recall@10"] >= 0.98
    assert figures["absent_strong"] <= 0.005
    kinds = figures["kinds@10"]
    assert isinstance(kinds, dict)
    assert not {kind: share for kind, share in kinds.items() if share < 0.93}
