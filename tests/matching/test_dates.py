"""Partial dates of birth: parsing and graded comparison."""

from __future__ import annotations

import pytest

from app.matching.dates import PartialDate, compare_dates, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1998", PartialDate(1998)),
        ("1998-05", PartialDate(1998, 5)),
        ("1998-05-03", PartialDate(1998, 5, 3)),
        ("03.05.1998", PartialDate(1998, 5, 3)),
        ("05.1998", PartialDate(1998, 5)),
        ("1998-13-03", PartialDate(1998, 3, 13)),
        ("", None),
        ("unknown", None),
    ],
)
def test_parse_date_accepted_shapes_give_partial_dates(text: str, expected: PartialDate | None) -> None:
    assert parse_date(text) == expected


def test_compare_dates_grades_are_ordered_by_strength_of_evidence() -> None:
    record = PartialDate(1998, 5, 3)
    exact = compare_dates(PartialDate(1998, 5, 3), record)
    swapped = compare_dates(PartialDate(1998, 3, 5), record)
    off_year = compare_dates(PartialDate(1999, 5, 3), record)
    year_month = compare_dates(PartialDate(1998, 5), record)
    year = compare_dates(PartialDate(1998), record)
    year_off = compare_dates(PartialDate(1997), record)
    wrong = compare_dates(PartialDate(1975, 1, 20), record)
    assert exact.verdict == "exact"
    assert {swapped.verdict, off_year.verdict, year_month.verdict, year.verdict} == {"partial"}
    assert wrong.verdict == "mismatch"
    assert exact.likelihood_ratio > swapped.likelihood_ratio > year.likelihood_ratio > 1
    assert exact.likelihood_ratio > off_year.likelihood_ratio > year.likelihood_ratio
    assert year_month.likelihood_ratio > year.likelihood_ratio > year_off.likelihood_ratio > wrong.likelihood_ratio
    assert "day/month swapped" in swapped.detail
    assert "off by one" in off_year.detail


def test_compare_dates_missing_side_is_neutral() -> None:
    result = compare_dates(None, PartialDate(1998))
    assert result.verdict == "missing"
    assert result.likelihood_ratio == 1.0


def test_compare_dates_record_with_year_only_gives_partial_credit() -> None:
    result = compare_dates(PartialDate(1998, 5, 3), PartialDate(1998))
    assert result.verdict == "partial"
    assert "registry record gives only the year" in result.detail
