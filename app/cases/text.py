"""Folding names and numbers into search keys that ignore case, accents, script and separators.

`search_key` is what substring search over names compares: "ЁЛКИНА Мария", "Елкина мария" and "Elkina Marija"
all fold to one key, so an operator finds a requester however the name was typed. It is deliberately simple and
deterministic; spelling variants beyond transliteration (nicknames, declension, typos) are the lookup engine's job
(see `app.cases.similarity`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "e", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ў": "u",
    "š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "đ": "d",
}  # fmt: skip
_TRANSLIT = str.maketrans(_CYRILLIC)
# Latin spellings of one Cyrillic letter that transliteration standards disagree on, reduced to one form.
_LATIN_VARIANTS = (
    ("shch", "shch"),
    ("sch", "shch"),
    ("ye", "e"),
    ("je", "e"),
    ("ya", "ia"),
    ("ja", "ia"),
    ("yu", "iu"),
    ("ju", "iu"),
    ("y", "i"),
    ("j", "i"),
    ("h", "kh"),
    ("kkh", "kh"),
    ("ckh", "ch"),
    ("skh", "sh"),
    ("zkh", "zh"),
    ("tz", "ts"),
    ("cz", "ch"),
    ("w", "v"),
    ("x", "ks"),
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_RUNS = re.compile(r"([a-z])\1+")
_APOSTROPHES = str.maketrans("", "", "'’‘ʼʹ`´")
_SERVICE_LOOKALIKES = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
_SERVICE_DROP = re.compile(r"[^0-9A-ZА-ЯЁІЇЄҐ]")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def _fold_token(token: str) -> str:
    # Cyrillic first (so й, ё, ї keep their identity), then marks off the Latin that remains.
    latin = _strip_marks(token.translate(_TRANSLIT))
    latin = _NON_ALNUM.sub("", latin)
    for old, new in _LATIN_VARIANTS:
        latin = latin.replace(old, new)
    return _RUNS.sub(r"\1", latin)


def search_key(*parts: str | None) -> str:
    """Lower-case Latin letters and digits, one space between words; empty when nothing is left.

    Case-, accent- and script-insensitive: `search_key(a)` contains `search_key(b)` whenever `b` is a part of `a`
    written in another case, with or without accents, in Cyrillic or in any common Latin transliteration.
    """
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    words = (_fold_token(word) for word in re.split(r"[\s\-,.;/()]+", text))
    return " ".join(w for w in words if w)


def normalize_service_number(value: str | None) -> str | None:
    """Upper case, Cyrillic look-alike letters as Latin, no separators: `ав 123-456` and `AB123456` are one number."""
    if not value:
        return None
    cleaned = _SERVICE_DROP.sub("", unicodedata.normalize("NFKC", value).upper().translate(_SERVICE_LOOKALIKES))
    return cleaned or None


def like_pattern(fragment: str) -> str:
    """A `LIKE ... ESCAPE '\\'` pattern matching `fragment` anywhere."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
