"""Access code format: 20 Crockford base32 characters in five groups of four, e.g. `7KQ2-M9XD-4RTB-HW3N-PF6A`.

The first group is the *selector* (20 random bits, stored in clear, unique within a case); the other sixteen
characters are the secret (80 random bits). The whole code is hashed with argon2id. Crockford's alphabet has no
I, L, O or U, and input is forgiving: lower case, spaces and dashes are fine, `O` reads as 0 and `I`/`L` as 1.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SELECTOR_LENGTH = 4
SECRET_LENGTH = 16
CODE_LENGTH = SELECTOR_LENGTH + SECRET_LENGTH
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def random_chars(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def new_secret() -> str:
    return random_chars(SECRET_LENGTH)


def new_selector() -> str:
    return random_chars(SELECTOR_LENGTH)


def format_code(raw: str) -> str:
    """`ABCDEFGH...` -> `ABCD-EFGH-...` (groups of four)."""
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_code(text: str) -> str | None:
    """The canonical 20 characters of a typed code, or None when it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\u00a0\u2010\u2011\u2012\u2013\u2014")
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
