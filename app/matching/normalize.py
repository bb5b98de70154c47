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


# Letters that look alike in the two alphabets (OCR, copy-paste, a keyboard switched mid-word): "Гpeчанин" has a
# Latin p and e, "Jaкovlevicius" a Cyrillic к. Case matters (Latin "H" looks like "Н", "h" like nothing), so the
# folding runs before case folding.
_CYR_TO_LAT = dict(zip("АВЕКМНОРСТУХІЈЅаеорсухкмтіјѕ", "ABEKMHOPCTYXIJSaeopcyxkmtijs", strict=True))
_LAT_TO_CYR = {lat: cyr for cyr, lat in _CYR_TO_LAT.items()} | {"y": "у", "Y": "У", "n": "п", "r": "г"}
# Digits a scan turns letters into, inside a word: Смирн0в, Серг1йович, Сусленк0в, Фед0рович.
_DIGIT_IN_CYRILLIC = {"0": "о", "3": "з", "1": "і", "6": "б", "4": "ч"}
_DIGIT_IN_LATIN = {"0": "o", "1": "l", "3": "e", "5": "s"}
_CYRILLIC_CHAR = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґЎў]")
_LATIN_CHAR = re.compile(r"[A-Za-z]")


def fold_lookalikes(text: str) -> str:
    """Write a word's look-alike letters (and scanner digits) in the alphabet of the rest of the word.

    A word whose own letters include some no Latin letter resembles (щ, л, и, й …) is Cyrillic, so its Latin
    p/e/c/x/y/k become р/е/с/х/у/к; the reverse for a Latin word with a stray Cyrillic а/е/о/к. When every letter has
    a look-alike, the majority decides. Pure-script words and words without letters come back unchanged.
    """
    cyr = len(_CYRILLIC_CHAR.findall(text))
    lat = len(_LATIN_CHAR.findall(text))
    has_digit = any(ch.isdigit() for ch in text)
    if not (cyr and lat) and not (has_digit and (cyr or lat)):
        return text
    own_cyr = sum(1 for ch in text if _CYRILLIC_CHAR.match(ch) and ch not in _CYR_TO_LAT)
    own_lat = sum(1 for ch in text if _LATIN_CHAR.match(ch) and ch not in _LAT_TO_CYR)
    to_cyrillic = own_cyr > own_lat or (own_cyr == own_lat and cyr >= lat)
    table = _LAT_TO_CYR if to_cyrillic else _CYR_TO_LAT
    digits = _DIGIT_IN_CYRILLIC if to_cyrillic else _DIGIT_IN_LATIN
    out = []
    for index, ch in enumerate(text):
        if ch.isdigit():
            # Only a digit between letters (or ending a word after letters) is a misread letter.
            before = text[index - 1 : index].isalpha()
            after = text[index + 1 : index + 2]
            out.append(digits.get(ch, ch) if before and (not after or after.isalpha()) else ch)
        else:
            out.append(table.get(ch, ch))
    return "".join(out)


@lru_cache(maxsize=200_000)
def clean_token(text: str) -> str:
    """NFKC, look-alike letters folded into the word's alphabet, case-folded, without apostrophes, hyphens, dots and
    spaces; ё kept (transliteration needs it)."""
    return fold_lookalikes(unicodedata.normalize("NFKC", text)).casefold().translate(_DROP)


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
