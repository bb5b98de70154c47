"""Case references: `PW-XXXX-XXXX-C`, safe to read over the phone, not enumerable, typo-checked.

* Alphabet: Crockford base32 (`0-9 A-Z` without `I L O U`). On input `O` reads as `0` and `I`/`L` as `1`, lower case
  is accepted, and spaces, dashes and the `PW` prefix are optional, so whatever a relative reads out or types is
  understood.
* Eight random symbols carry 40 bits from `secrets` (about 10^12 values): a caller holding one reference cannot guess
  another, and the portal additionally needs an access code.
* The ninth symbol is a Luhn mod 32 check character. It catches every single mistyped symbol and most swaps of two
  neighbouring symbols, so a mistyped reference is reported as a typo (422) instead of "not found".
"""

from __future__ import annotations

import re
import secrets

from app.errors import Unprocessable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 8
PREFIX = "PW"
PATTERN = re.compile(r"^PW-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$")
"""The canonical form, as stored and displayed."""

_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def check_symbol(body: str) -> str:
    """Luhn mod N (N = 32) over `body`, a string of alphabet symbols."""
    factor, total, n = 2, 0, len(ALPHABET)
    for ch in reversed(body):
        addend = factor * _VALUES[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def format_reference(body: str) -> str:
    """`PW-XXXX-XXXX-C` from eight symbols and their check symbol."""
    return f"{PREFIX}-{body[:4]}-{body[4:8]}-{check_symbol(body)}"


def generate_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return format_reference(body)


class InvalidReference(Unprocessable):
    code, title = "invalid-reference", "Not a valid case reference"


def parse_reference(text: str, *, pointer: str = "#/reference", parameter: str | None = None) -> str:
    """The canonical reference for what someone typed, or `InvalidReference` (422) saying what is wrong.

    The error names `parameter` (a path or query parameter) when given, else the body `pointer`.
    """
    where = {"parameter": parameter} if parameter else {"pointer": pointer}
    cleaned = _SEPARATORS.sub("", text.strip().upper())
    if cleaned.startswith(PREFIX) and len(cleaned) == len(PREFIX) + RANDOM_SYMBOLS + 1:
        cleaned = cleaned[len(PREFIX) :]
    cleaned = cleaned.translate(_ALIASES)
    if len(cleaned) != RANDOM_SYMBOLS + 1 or any(ch not in _VALUES for ch in cleaned):
        raise InvalidReference(
            "A case reference looks like PW-7K4M-Q9XR-5: nine letters and digits after PW.",
            errors=[{**where, "detail": "not a case reference"}],
        )
    body, check = cleaned[:RANDOM_SYMBOLS], cleaned[RANDOM_SYMBOLS]
    if check_symbol(body) != check:
        raise InvalidReference(
            "This case reference contains a typo: its check character does not match. Please read it again.",
            errors=[{**where, "detail": "check character does not match (mistyped reference)"}],
        )
    return format_reference(body)


def is_reference(text: str) -> bool:
    try:
        parse_reference(text)
    except InvalidReference:
        return False
    return True
