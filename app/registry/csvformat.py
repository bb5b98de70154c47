"""The registry import format (docs/registry-format.md): columns, and the validation of one row.

A row is checked field by field; every problem is reported as `(column, reason)` and a row with any problem is not
imported. Reasons never quote the rejected value: an error report must not become a copy of personal data.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.registry.models import ConfirmationLevel, IdentificationConfidence, PersonStatus

IDENTITY_COLUMNS = ("source", "source_record_id")

DATA_COLUMNS = (
    "status",
    "confirmation_level",
    "surname",
    "given_name",
    "patronymic",
    "alternate_names",
    "father_name",
    "date_of_birth",
    "place_of_birth",
    "rank",
    "service_number",
    "military_unit",
    "power_depended_on",
    "date_of_capture",
    "place_of_capture",
    "state_of_health",
    "place_of_internment",
    "prisoner_number",
    "date_of_death",
    "place_of_death",
    "cause_of_death",
    "burial_place",
    "identification_method",
    "identification_confidence",
)
"""Every data column, in storage order. `alternate_names` is stored as a list, every other column as text."""

ALL_COLUMNS = IDENTITY_COLUMNS + DATA_COLUMNS
REQUIRED_HEADER = ("source", "source_record_id", "status", "surname", "given_name")
KEY_COLUMNS_ALL = (
    "surname",
    "given_name",
    "patronymic",
    "alternate_names",
    "date_of_birth",
    "place_of_birth",
    "service_number",
    "military_unit",
)
"""The columns the lookup keys are computed from: a change to any other column leaves the keys alone."""

ALTERNATE_SEPARATOR = "|"
MAX_ALTERNATES = 10
_EARLIEST_YEAR = 1900

Values = tuple[str | list[str] | None, ...]
"""A validated row's data values in `DATA_COLUMNS` order."""


class HeaderError(ValueError):
    """The file cannot be imported at all (the reason names the columns, never data)."""


@dataclass(frozen=True, slots=True)
class Header:
    """Where each known column sits in the file. Columns the file lacks keep their stored values on update."""

    positions: dict[str, int]
    width: int

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.positions)


def read_header(cells: Sequence[str]) -> Header:
    names = [unicodedata.normalize("NFKC", c).strip().lower() for c in cells]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:]
    unknown = sorted({n for n in names if n not in ALL_COLUMNS})
    if unknown:
        raise HeaderError(f"unknown columns: {', '.join(unknown)[:200]} (see docs/registry-format.md)")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise HeaderError(f"columns given twice: {', '.join(duplicates)}")
    missing = [n for n in REQUIRED_HEADER if n not in names]
    if missing:
        raise HeaderError(f"required columns missing: {', '.join(missing)}")
    return Header({name: i for i, name in enumerate(names)}, len(names))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SPACES = re.compile(r"\s+")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MONTH_DOTTED = re.compile(r"^(\d{1,2})\.(\d{4})$")


def _text(limit: int, *, multiline: bool = False) -> Callable[[str], tuple[str | None, str | None]]:
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL

    def check(raw: str) -> tuple[str | None, str | None]:
        plain = raw.isprintable() and "\ufffd" not in raw and "  " not in raw
        if not plain and pattern.search(raw):
            return None, "contains control characters or bytes that are not UTF-8"
        value = unicodedata.normalize("NFC", raw if plain or multiline else _SPACES.sub(" ", raw))
        if len(value) > limit:
            return None, f"longer than {limit} characters"
        return value, None

    return check


def _choice(
    options: type[PersonStatus] | type[ConfirmationLevel] | type[IdentificationConfidence],
) -> Callable[[str], tuple[str | None, str | None]]:
    allowed = {o.value for o in options}
    listed = ", ".join(o.value for o in options)

    def check(raw: str) -> tuple[str | None, str | None]:
        value = raw.lower().replace(" ", "_")
        if value not in allowed:
            return None, f"must be one of: {listed}"
        return value, None

    return check


def parse_partial_date(raw: str, *, today: date | None = None) -> tuple[str | None, str | None]:
    """`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `DD.MM.YYYY` or `MM.YYYY` → ISO, full or partial; no dates in the future."""
    today = today or date.today()
    iso, dotted, month_dotted = _ISO.match(raw), _DOTTED.match(raw), _MONTH_DOTTED.match(raw)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]) if iso[2] else None, int(iso[3]) if iso[3] else None
    elif dotted:
        year, month, day = int(dotted[3]), int(dotted[2]), int(dotted[1])
    elif month_dotted:
        year, month, day = int(month_dotted[2]), int(month_dotted[1]), None
    else:
        return None, "not a date: use YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY"
    if not _EARLIEST_YEAR <= year <= today.year:
        return None, f"year out of range ({_EARLIEST_YEAR}-{today.year})"
    if month is None:
        return f"{year:04d}", None
    if not 1 <= month <= 12:
        return None, "month out of range"
    if day is None:
        if (year, month) > (today.year, today.month):
            return None, "date in the future"
        return f"{year:04d}-{month:02d}", None
    try:
        value = date(year, month, day)
    except ValueError:
        return None, "no such day"
    if value > today:
        return None, "date in the future"
    return value.isoformat(), None


def _alternates(raw: str) -> tuple[list[str] | None, str | None]:
    names = [_SPACES.sub(" ", n).strip() for n in raw.split(ALTERNATE_SEPARATOR)]
    names = [unicodedata.normalize("NFC", n) for n in names if n]
    if any(_CONTROL.search(n) for n in names):
        return None, "contains control characters or bytes that are not UTF-8"
    if len(names) > MAX_ALTERNATES:
        return None, f"at most {MAX_ALTERNATES} alternate names"
    if any(len(n) > 200 for n in names):
        return None, "an alternate name is longer than 200 characters"
    return names or None, None


DATE_COLUMNS = frozenset({"date_of_birth", "date_of_capture", "date_of_death"})

_CHECKS: dict[str, Callable[[str], tuple[str | list[str] | None, str | None]]] = {
    "source": _text(100),
    "source_record_id": _text(100),
    "status": _choice(PersonStatus),
    "confirmation_level": _choice(ConfirmationLevel),
    "surname": _text(100),
    "given_name": _text(100),
    "patronymic": _text(100),
    "alternate_names": _alternates,
    "father_name": _text(100),
    "place_of_birth": _text(200),
    "rank": _text(100),
    "service_number": _text(40),
    "military_unit": _text(100),
    "power_depended_on": _text(100),
    "place_of_capture": _text(200),
    "state_of_health": _text(200),
    "place_of_internment": _text(200),
    "prisoner_number": _text(40),
    "place_of_death": _text(200),
    "cause_of_death": _text(2000, multiline=True),
    "burial_place": _text(2000, multiline=True),
    "identification_method": _text(200),
    "identification_confidence": _choice(IdentificationConfidence),
}


@dataclass(frozen=True, slots=True)
class ParsedRow:
    source: str
    source_record_id: str
    values: dict[str, str | list[str] | None]
    """The data columns present in the file (validated; None for an empty cell)."""


def parse_row(
    header: Header, cells: Sequence[str], *, today: date | None = None
) -> tuple[ParsedRow | None, list[tuple[str | None, str]]]:
    """Validate one data row: the parsed row, or None and the problems found (column, reason)."""
    today = today or date.today()
    if len(cells) != header.width:
        return None, [(None, f"has {len(cells)} fields, the header has {header.width}")]
    values: dict[str, str | list[str] | None] = {}
    errors: list[tuple[str | None, str]] = []
    for name, position in header.positions.items():
        raw = cells[position].strip()
        if not raw:
            values[name] = None
            continue
        checked: tuple[str | list[str] | None, str | None]
        checked = parse_partial_date(raw, today=today) if name in DATE_COLUMNS else _CHECKS[name](raw)
        if checked[1]:
            errors.append((name, checked[1]))
        values[name] = checked[0]
    source, record_id = values.pop("source", None), values.pop("source_record_id", None)
    for name, required in (("source", source), ("source_record_id", record_id), ("status", values.get("status"))):
        if required is None and not any(column == name for column, _ in errors):
            errors.append((name, "required"))
    if not values.get("surname") and not values.get("service_number") and "surname" not in dict(errors):
        errors.append(("surname", "required unless a service number identifies the person"))
    if errors:
        return None, errors
    assert isinstance(source, str) and isinstance(record_id, str)
    return ParsedRow(source, record_id, values), []


def merged_values(given: Mapping[str, object], stored: Mapping[str, object] | None) -> dict[str, object]:
    """The record after a row: the file's columns (`given`) over the stored record, or over the defaults."""
    merged: dict[str, object] = dict(stored) if stored else dict.fromkeys(DATA_COLUMNS)
    merged.update(given)
    if not merged.get("confirmation_level"):
        merged["confirmation_level"] = ConfirmationLevel.REPORTED.value
    return merged


def row_hash(values: dict[str, object]) -> str:
    """A digest of every data field, so an unchanged re-imported row costs one comparison."""
    parts = []
    for name in DATA_COLUMNS:
        value = values.get(name)
        if isinstance(value, list):
            value = ALTERNATE_SEPARATOR.join(value)
        parts.append("" if value is None else str(value))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
