"""Validated field types shared by the case and inquiry schemas: capped text, partial dates, no future dates.

Blank strings become None, so a form that sends `""` for an unknown field means "unknown", not "empty name".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

from app.matching.freetext import extract as read_free_text

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a client's clock may run before its timestamps count as "in the future"."""
EARLIEST_YEAR = 1900
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _today() -> date:
    return datetime.now(UTC).date()


def _date_from_text(value: object) -> object:
    """A date of birth written as people write it (`14 марта 1999`, `14.03.1999`, `14.III.1999`, `March 14 1999`,
    `1999 г.р.`) in the stored `YYYY[-MM[-DD]]` form; anything else is left for `check_partial_date` to refuse."""
    if not isinstance(value, str) or not value.strip() or _PARTIAL_DATE.match(value.strip()):
        return value
    read = read_free_text(value.strip(), _today())
    if read.date is None or read.names or read.age is not None or read.unit is not None:
        return value
    if len(re.findall(r"\d+", value)) >= 3 and not read.date.is_full:
        return value  # an impossible day and month (31.02.1999) are refused, not cut to the year
    return read.date.iso()


def check_partial_date(value: str) -> str:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a real calendar date, from 1900, not in the future."""
    match = _PARTIAL_DATE.match(value)
    if match is None:
        raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if year < EARLIEST_YEAR:
        raise ValueError(f"year must be {EARLIEST_YEAR} or later")
    if month is not None and not 1 <= month <= 12:
        raise ValueError("month must be 01 to 12")
    if month is not None and day is not None:
        try:
            date(year, month, day)
        except ValueError as exc:
            raise ValueError("not a calendar date") from exc
    today = _today()
    earliest_possible = (year, month or 1, day or 1)
    if earliest_possible > (today.year, today.month, today.day):
        raise ValueError("must not be in the future")
    return value


def check_past_date(value: date) -> date:
    if value > _today():
        raise ValueError("must not be in the future")
    if value.year < EARLIEST_YEAR:
        raise ValueError(f"year must be {EARLIEST_YEAR} or later")
    return value


def check_past_datetime(value: datetime) -> datetime:
    if value > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    if value.year < EARLIEST_YEAR:
        raise ValueError(f"year must be {EARLIEST_YEAR} or later")
    return value.astimezone(UTC)


Str100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Str200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Str40 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
Str2000 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Str8000 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=8000)]

Name = Annotated[Str100 | None, BeforeValidator(_blank_to_none)]
Place = Annotated[Str200 | None, BeforeValidator(_blank_to_none)]
ShortText = Annotated[Str100 | None, BeforeValidator(_blank_to_none)]
ServiceNumber = Annotated[Str40 | None, BeforeValidator(_blank_to_none)]
LongText = Annotated[Str8000 | None, BeforeValidator(_blank_to_none)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
OptionalReason = Annotated[Str2000 | None, BeforeValidator(_blank_to_none)]
PartialDate = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=10), AfterValidator(check_partial_date)] | None,
    BeforeValidator(_date_from_text),
    BeforeValidator(_blank_to_none),
    Field(
        description="Full or partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; also as people write it (`14 марта 1999`,"
        " `14.03.1999`, `14.III.1999`, `March 14 1999`, `1999 г.р.`), stored as `YYYY-MM-DD`",
        examples=["1999-03-14", "1999", "14 марта 1999"],
    ),
]
PastDate = Annotated[date, AfterValidator(check_past_date)]
PastDatetime = Annotated[
    AwareDatetime,
    AfterValidator(check_past_datetime),
    Field(description="With a time zone (e.g. `2026-11-28T18:05:00+03:00`); not in the future"),
]
