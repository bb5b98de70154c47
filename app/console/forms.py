"""Forms named after the API's JSON fields: `requester.full_name` is `#/requester/full_name` in a problem's pointer.

`nest` turns posted fields into the API's JSON document (so the API's own Pydantic schema validates them), and
`field_errors` turns a `ValidationError` or a domain `Unprocessable` into `{field name: message}` for the page,
with each message in the staff member's language. Dates are accepted as `DD.MM.YYYY` (or `MM.YYYY`, `YYYY`) and
as ISO, and passed on as ISO.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from app.console.labels import N_
from app.errors import Unprocessable

_DOTTED_DATE = re.compile(r"^\s*(?:(\d{1,2})[./])?(?:(\d{1,2})[./])?(\d{4})\s*$")

# Messages the domain's validators raise, marked for the `console` catalog (the API says them in English).
KNOWN_MESSAGES = (
    N_("consent to store the data is required to log an inquiry"),
    N_("give at least a surname, a given name or a service number"),
    N_("not a phone number"),
    N_("not a valid phone number (add +country code if abroad)"),
    N_("not an ISO 3166-1 alpha-2 country code"),
    N_("use YYYY, YYYY-MM or YYYY-MM-DD"),
    N_("year must be 1900 or later"),
    N_("month must be 01 to 12"),
    N_("not a calendar date"),
    N_("must not be in the future"),
    N_("must be in the future"),
    N_("the original message is required for email and web inquiries"),
    N_("no such case"),
    N_("not a case reference"),
    N_("check character does not match (mistyped reference)"),
    N_("not an inquiry of this case"),
    N_("not an active case officer or supervisor"),
    N_("already in use"),
)
REQUIRED = N_("Required.")
TOO_LONG = N_("Too long.")
CHOOSE = N_("Choose one of the options.")
NOT_VALID = N_("Not valid.")
DATE = N_("Enter a date as DD.MM.YYYY.")
EMAIL = N_("Not a valid email address.")


def iso_date(text: str) -> str:
    """`14.03.1999` → `1999-03-14`, `03.1999` → `1999-03`, `1999` stays; ISO and anything else pass through."""
    match = _DOTTED_DATE.match(text)
    if match is None:
        return text.strip()
    first, second, year = match.groups()
    if first and second:
        return f"{year}-{int(second):02d}-{int(first):02d}"
    if first:
        return f"{year}-{int(first):02d}"
    return year


def nest(
    form: Mapping[str, str],
    *,
    fields: Iterable[str],
    checkboxes: Iterable[str] = (),
    dates: Iterable[str] = (),
    verbatim: Iterable[str] = (),
) -> dict[str, Any]:
    """The JSON document for the posted `fields` (dotted names); blank text left out, checkboxes as booleans.

    `verbatim` fields are kept exactly as typed, except that the browser's CRLF line ends become LF again.
    """
    document: dict[str, Any] = {}
    checked, as_date, exact = set(checkboxes), set(dates), set(verbatim)
    for name in fields:
        raw = form.get(name)
        value: Any
        if name in checked:
            value = raw is not None and raw != ""
        elif raw is None or (raw.strip() == "" and name not in exact):
            continue
        elif name in exact:
            value = raw.replace("\r\n", "\n")
        elif name in as_date:
            value = iso_date(raw)
        else:
            value = raw
        target = document
        *parents, leaf = name.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return document


def _pointer_to_field(pointer: str) -> str:
    return pointer.removeprefix("#/").replace("/", ".") or "form"


def _message_of(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in ("missing", "string_too_short"):
        return REQUIRED
    if kind == "string_too_long":
        return TOO_LONG
    if kind in ("enum", "literal_error"):
        return CHOOSE
    if kind.startswith(("date_", "datetime_")):
        return DATE
    message = str(error.get("msg", ""))
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        if message.startswith("value is not a valid email address"):
            return EMAIL
        return message if message in KNOWN_MESSAGES else NOT_VALID
    return NOT_VALID


def field_errors(error: ValidationError | Unprocessable) -> dict[str, str]:
    """`{field name: message (English source)}`; the first message per field wins. Form-wide errors under `form`."""
    found: dict[str, str] = {}
    if isinstance(error, ValidationError):
        for item in error.errors():
            location = [str(part) for part in item.get("loc", ())]
            name = ".".join(location) or "form"
            found.setdefault(name, _message_of(item))
        return found
    for item in error.extra.get("errors", []):
        pointer = item.get("pointer")
        detail = str(item.get("detail", ""))
        name = _pointer_to_field(pointer) if pointer else "form"
        found.setdefault(name, detail if detail in KNOWN_MESSAGES else NOT_VALID)
    if not found:
        found["form"] = error.detail if error.detail in KNOWN_MESSAGES else NOT_VALID
    return found
