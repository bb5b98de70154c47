"""Text normalization shared by every matching step: Unicode, case, ё/е, apostrophes, hyphens, scripts, tokens.

Everything here is deterministic and cheap; names are compared only after `clean_token`, so "ЁЛКИН", "Ёлкин" and
"ёлкин" are one token, and "Дар'я", "Дарʼя", "Дар’я" and "Дар`я" are one token too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Script = Literal["cyrillic", "latin", "mixed", "none"]

_APOSTROPHES = "'’‘ʼʹʺ`´ʻ\u02bc\u2032"
_DROP = str.maketrans("", "", _APOSTROPHES + "-‐‑‒–—­.·• ")
_SPLIT = re.compile(r"[\s,;/()]+")
_UKRAINIAN_ONLY = frozenset("іїєґ")
_HAS_CYRILLIC = re.compile(r"[а-яёіїєґў]")
_HAS_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=200_000)
def clean_token(text: str) -> str:
    """NFKC, case-folded, without apostrophes, hyphens, dots and spaces; ё kept (transliteration needs it)."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_DROP)


@lru_cache(maxsize=200_000)
def exact_form(text: str) -> str:
    """The form two spellings must share to count as *exact*: `clean_token` with ё written as е."""
    return clean_token(text).replace("ё", "е")


def split_tokens(text: str) -> list[str]:
    """Split free text into name tokens on spaces and punctuation, keeping hyphenated names whole."""
    normalized = unicodedata.normalize("NFKC", text)
    return [tok for tok in _SPLIT.split(normalized) if tok.strip("-'’ʼ.")]


@lru_cache(maxsize=200_000)
def script_of(token: str) -> Script:
    """Which alphabet a token is written in, judged on its cleaned letters."""
    cleaned = clean_token(token)
    cyr = bool(_HAS_CYRILLIC.search(cleaned))
    lat = bool(_HAS_LATIN.search(cleaned))
    if cyr and lat:
        return "mixed"
    if cyr:
        return "cyrillic"
    return "latin" if lat else "none"


@lru_cache(maxsize=200_000)
def looks_ukrainian(token: str) -> bool:
    """True when a Cyrillic token carries a letter that only Ukrainian uses (і ї є ґ) or a Ukrainian apostrophe."""
    folded = unicodedata.normalize("NFKC", token).casefold()
    return any(ch in _UKRAINIAN_ONLY for ch in folded) or (
        _HAS_CYRILLIC.search(folded) is not None and any(ch in _APOSTROPHES for ch in folded)
    )


def blank_to_none(value: str | None) -> str | None:
    """Treat empty and whitespace-only inputs as absent."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None
