"""Quality bar on the labelled development set (tests/data/matching, a copy of shared/matching).

Run with `-s` to see recall per variation kind, timings and misses; `python -m app.matching.evaluate` prints the same.
"""

from __future__ import annotations

import pytest

from app.matching.evaluate import DEFAULT_DATA, Report, evaluate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report() -> Report:
    assert (DEFAULT_DATA / "registry.csv").exists(), "the development set belongs in tests/data/matching/"
    result = evaluate(DEFAULT_DATA)
    print("\n" + result.render())
    for line in result.misses[:40]:
        print("  " + line)
    return result


def test_devset_recall_at_10_meets_bar(report: Report) -> None:
    assert report.recall_at_10 >= 0.98


def test_devset_recall_at_1_meets_bar(report: Report) -> None:
    assert report.recall_at_1 >= 0.93


def test_devset_absent_person_rarely_gets_strong_candidate(report: Report) -> None:
    assert report.absent_strong_rate <= 0.01


def test_devset_every_variation_kind_is_mostly_found(report: Report) -> None:
    for kind, (n, _hit1, hit10) in report.by_kind.items():
        assert hit10 / n >= 0.9, kind
