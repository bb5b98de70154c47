"""Partial dates of birth and their graded comparison.

Families often know only the year, or the year and month; registries sometimes record only the year; day and month
get swapped between the Russian (DD.MM.YYYY) and ISO (YYYY-MM-DD) habits, and a year is sometimes off by one.
`compare_dates` turns each of those situations into a verdict, a likelihood ratio and a sentence an officer can read.

Likelihood ratios are P(observation | same person) / P(observation | different person). The "different person"
side assumes birth dates spread evenly over `BIRTH_YEARS_SPAN` years (soldiers' ages span roughly 18–60); the
"same person" side encodes how often each kind of error happens in hand-copied records (see docs/matching.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from app.matching.model import Verdict

BIRTH_YEARS_SPAN = 40
_DAYS = 365.25

_ISO = re.compile(r"^\s*(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$")
_MY = re.compile(r"^\s*(\d{1,2})[-./](\d{4})\s*$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of birth known to year, year-month or full-day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        """The date written as "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def is_full(self) -> bool:
        """True when day, month and year are all known."""
        return self.day is not None


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not 1850 <= year <= 2100:
        return False
    if month is None:
        return day is None
    if day is None:
        return 1 <= month <= 12
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=100_000)
def parse_date(text: str | None) -> PartialDate | None:
    """Parse "1998", "1998-05", "1998-05-03", "03.05.1998", "05.1998" (and / or - separators); None if unusable.

    An impossible full date (e.g. 1998-13-03) is kept when swapping day and month makes it valid, since that is what
    the writer most likely meant; otherwise only its year survives. Cached: a registry holds a few tens of thousands
    of distinct dates, and the result is immutable.
    """
    if not text:
        return None
    year: int
    month: int | None = None
    day: int | None = None
    if m := _ISO.match(text):
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
    elif m := _DMY.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _MY.match(text):
        month, year = int(m.group(1)), int(m.group(2))
    else:
        return None
    if _valid(year, month, day):
        return PartialDate(year, month, day)
    if day is not None and month is not None and _valid(year, day, month):
        return PartialDate(year, day, month)
    return PartialDate(year) if _valid(year, None, None) else None


@dataclass(frozen=True, slots=True)
class AgeRange:
    """An age stated on a date: the man was born in the window [`earliest`, `latest`] (a year wide)."""

    age: int
    stated_on: date
    earliest: date
    latest: date

    @property
    def years(self) -> tuple[int, ...]:
        """Birth years the window touches (one or two)."""
        return tuple(range(self.earliest.year, self.latest.year + 1))

    def describe(self) -> str:
        """The window in words: "age 31 on 2026-11-30 → born 1994-12-01 … 1995-11-30"."""
        window = f"{self.earliest.isoformat()} … {self.latest.isoformat()}"
        return f"age {self.age} on {self.stated_on.isoformat()} → born {window}"


def age_range(age: int, stated_on: date) -> AgeRange:
    """Born after `stated_on` minus (age + 1) years and no later than `stated_on` minus `age` years."""
    latest = _years_before(stated_on, age)
    earliest = _years_before(stated_on, age + 1) + timedelta(days=1)
    return AgeRange(age, stated_on, earliest, latest)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class DateComparison:
    """Outcome of comparing the sought person's date of birth with a registry record's."""

    verdict: Verdict
    likelihood_ratio: float
    detail: str
    # True when a part both sides know differs in a way none of the usual copying errors (day/month swap, year off
    # by one) explains; such a date never supports a `strong` match even when the likelihood ratio stays above 1.
    conflicting: bool = False


# P(observation | same person): how often each discrepancy appears between two records of one man.
_M_EXACT = 0.85
_M_SWAP = 0.03
_M_OFF_YEAR = 0.03
_M_DAY_DIFFERS = 0.02
_M_MONTH_DAY_DIFFER = 0.03
_M_MISMATCH = 0.02


def _u_year() -> float:
    return 1.0 / BIRTH_YEARS_SPAN


def compare_dates(query: PartialDate | None, record: PartialDate | None) -> DateComparison:
    """Grade how well a sought date of birth agrees with a recorded one, at the precision both sides share."""
    if query is None or record is None:
        side = "the inquiry" if query is None else "the registry record"
        return DateComparison("missing", 1.0, f"not given in {side}")
    u_year = _u_year()
    u_month = u_year / 12
    u_day = u_year / _DAYS
    shared_day = query.day is not None and record.day is not None
    shared_month = query.month is not None and record.month is not None
    year_diff = abs(query.year - record.year)

    if shared_day:
        q_md = (query.month, query.day)
        r_md = (record.month, record.day)
        if year_diff == 0 and q_md == r_md:
            return DateComparison("exact", _M_EXACT / u_day, f"{record.iso()} matches exactly")
        if year_diff == 0 and q_md == (record.day, record.month):
            return DateComparison(
                "partial", _M_SWAP / u_day, f"year matches, day/month swapped ({query.iso()} vs {record.iso()})"
            )
        if year_diff == 1 and q_md == r_md:
            return DateComparison(
                "partial",
                _M_OFF_YEAR / (2 * u_day),
                f"day and month match, year off by one ({query.year} vs {record.year})",
            )
        if year_diff == 1 and q_md == (record.day, record.month):
            return DateComparison(
                "partial",
                _M_SWAP * _M_OFF_YEAR / (2 * u_day),
                f"day/month swapped and year off by one ({query.iso()} vs {record.iso()})",
            )
        if year_diff == 0 and query.month == record.month:
            return DateComparison(
                "partial",
                _M_DAY_DIFFERS / u_month,
                f"year and month match, day differs ({query.iso()} vs {record.iso()})",
                conflicting=True,
            )
        if year_diff == 0:
            return DateComparison(
                "partial",
                _M_MONTH_DAY_DIFFER / u_year,
                f"year matches, day and month differ ({query.iso()} vs {record.iso()})",
                conflicting=True,
            )
        return DateComparison("mismatch", _M_MISMATCH, f"{query.iso()} vs {record.iso()}", conflicting=True)

    precision = "year and month" if shared_month else "year"
    coarser = "the inquiry" if (query.month is None or (shared_month and query.day is None)) else "the registry record"
    if shared_month:
        if year_diff == 0 and query.month == record.month:
            return DateComparison(
                "partial", _M_EXACT / u_month, f"year and month match ({coarser} gives only {precision})"
            )
        if year_diff == 0:
            return DateComparison(
                "partial",
                _M_MONTH_DAY_DIFFER / u_year,
                f"year matches, month differs ({query.iso()} vs {record.iso()})",
                conflicting=True,
            )
        if year_diff == 1 and query.month == record.month:
            return DateComparison(
                "partial",
                _M_OFF_YEAR / (2 * u_month),
                f"month matches, year off by one ({query.year} vs {record.year})",
            )
        return DateComparison("mismatch", _M_MISMATCH, f"{query.iso()} vs {record.iso()}", conflicting=True)
    if year_diff == 0:
        return DateComparison(
            "partial", _M_EXACT / u_year, f"year {record.year} matches ({coarser} gives only the year)"
        )
    if year_diff == 1:
        return DateComparison("partial", _M_OFF_YEAR / (2 * u_year), f"year off by one ({query.year} vs {record.year})")
    return DateComparison("mismatch", _M_MISMATCH, f"{query.iso()} vs {record.iso()}", conflicting=True)


# An age is often counted loosely (last birthday, the year of the war, a relative's guess): inside the window the
# evidence is that of a known birth year; a year beside it is a weak "off by one"; further off contradicts.
_M_AGE_FITS = 0.8
_M_AGE_NEAR = 0.1
_M_AGE_OFF = 0.05


def compare_age(query: AgeRange, record: PartialDate | None) -> DateComparison:
    """Grade a recorded date of birth against an age stated on a date (a one-year window of birth dates)."""
    if record is None:
        return DateComparison("missing", 1.0, f"{query.describe()}; no date recorded")
    u_year = _u_year()
    said = query.describe()
    if record.is_full and record.month is not None and record.day is not None:
        born = date(record.year, record.month, record.day)
        if query.earliest <= born <= query.latest:
            return DateComparison("partial", _M_AGE_FITS / u_year, f"{said}; {record.iso()} fits")
        if query.earliest.year <= record.year <= query.latest.year:
            return DateComparison("partial", _M_AGE_NEAR / u_year, f"{said}; {record.iso()} just outside")
    elif query.earliest.year <= record.year <= query.latest.year:
        # A coarse record inside the window's years: as good as a matching year.
        return DateComparison("partial", _M_AGE_FITS / (len(query.years) * u_year), f"{said}; {record.iso()} fits")
    gap = min(abs(record.year - y) for y in query.years)
    if gap == 1:
        return DateComparison("partial", _M_AGE_OFF / (2 * u_year), f"{said}; {record.iso()} a year off")
    return DateComparison("mismatch", _M_MISMATCH, f"{said}; recorded {record.iso()}", conflicting=True)
