"""Quality bar on the hard development set (tests/data/matching-hard, a copy of shared/matching/hard-dev).

Initials, look-alike letters, keyboard-layout slips, Polish/Czech/Baltic spellings, OCR noise, two typos, swapped
fields, dates in words, ages, units: what hotline notes and received lists really carry. Run with `-s` to see the
breakdown; `python -m app.matching.evaluate tests/data/matching-hard --stated-on 2026-11-30 --misses` prints it too.
"""

from __future__ import annotations

import pytest

from app.matching.evaluate import HARD_DATA, HARD_STATED_ON, Report, evaluate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report() -> Report:
    assert (HARD_DATA / "registry.csv").exists(), "the hard development set belongs in tests/data/matching-hard/"
    result = evaluate(HARD_DATA, stated_on=HARD_STATED_ON)
    print("\n" + result.render())
    for line in result.misses[:40]:
        print("  " + line)
    return result


def test_hard_devset_recall_meets_the_targets(report: Report) -> None:
    assert report.present > 1000 and report.absent > 200
    assert report.recall_at_1 >= 0.95
    assert report.recall_at_10 >= 0.98


def test_hard_devset_absent_person_almost_never_gets_a_strong_candidate(report: Report) -> None:
    assert report.absent_strong_rate <= 0.005


def test_hard_devset_every_variation_kind_is_found(report: Report) -> None:
    weak = {kind: round(hit10 / n, 3) for kind, (n, _hit1, hit10) in report.by_kind.items() if hit10 / n < 0.93}
    assert not weak
