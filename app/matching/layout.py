"""Names typed with the keyboard in the wrong layout: "Bdfyjd" is Иванов typed on a Latin layout.

A Russian or Ukrainian keyboard has the Cyrillic letters on the keys of the Latin ones (ЙЦУКЕН on QWERTY), so a name
typed while the Latin layout is on comes out as the Latin letters (and the punctuation: х on "[", ж on ";", б on
",", ю on ".") of the same keys. `decode` maps such a word back.

A real Latin spelling of a name (Ivanov, Sergei) decodes to nonsense, and a layout slip decodes to a name; the
decision is taken on that evidence (`looks_like_layout_slip`), never on the letters alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.matching.names import father_id, is_known_given_name, looks_like_patronymic, looks_like_surname
from app.matching.normalize import clean_token

_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_RUSSIAN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_UKRAINIAN = "йцукенгшщзхїфівапролджєячсмитьбю'"
_SHIFTED_LATIN = '{}:"<>~'
_SHIFTED_RUSSIAN = "ХЪЖЭБЮЁ"
_SHIFTED_UKRAINIAN = "ХЇЖЄБЮ'"

_RU = str.maketrans(_LATIN + _LATIN.upper() + _SHIFTED_LATIN, _RUSSIAN + _RUSSIAN.upper() + _SHIFTED_RUSSIAN)
_UK = str.maketrans(_LATIN + _LATIN.upper() + _SHIFTED_LATIN, _UKRAINIAN + _UKRAINIAN.upper() + _SHIFTED_UKRAINIAN)
_CANDIDATE = re.compile(r"^[A-Za-z\[\];',.`{}:\"<>~]+$")
_PUNCT_INSIDE = re.compile(r"[A-Za-z][\[\];',.`{}:\"<>~]+[A-Za-z]|^[\[{\"'<>~]")


def decode(word: str, *, ukrainian: bool = False) -> str:
    """The word as the Cyrillic letters on the same keys (Russian layout, or the Ukrainian one)."""
    return word.translate(_UK if ukrainian else _RU)


def _evidence(token: str) -> int:
    cleaned = clean_token(token)
    if not cleaned:
        return 0
    if is_known_given_name(cleaned):
        return 2
    if looks_like_patronymic(cleaned) and not (father_id(cleaned) or "~").startswith("~"):
        return 2
    if looks_like_patronymic(cleaned) or looks_like_surname(cleaned):
        return 1
    return 0


_VOWELS = re.compile(r"[aeiouyAEIOUY]")
# Latin spellings of Russian and Ukrainian names are about 40 % vowels (Ivanov, Oleksandr, Shcherbakov ≥ 25 %);
# the same names typed on the Latin layout are mostly consonant keys (Bdfyjd, Rjgntktd, Cthusq).
_MAX_SLIP_VOWELS = 0.3


@lru_cache(maxsize=20_000)
def looks_like_layout_slip(word: str, *, others_slipped: bool = False) -> str | None:
    """The Cyrillic word meant when `word` reads as a name only after decoding from the Latin layout; else None.

    A word qualifies when it is hard to pronounce as Latin (few vowels, or keyboard punctuation inside it) and its
    decoding is more of a name than the word itself; when other words of the same inquiry were slips
    (`others_slipped`), the decoding being more of a name is enough. Ukrainian is chosen when the Russian decoding
    leaves an э or ъ inside the word (the Ukrainian layout has є and ї on those keys).
    """
    if not _CANDIDATE.match(word) or len(word) < 2:
        return None
    russian = decode(word)
    inner = russian[1:].lower()
    cyrillic = decode(word, ukrainian=True) if ("э" in inner or "ъ" in inner) else russian
    gained = _evidence(cyrillic) - _evidence(word)
    if gained <= 0:
        return None
    letters = [ch for ch in word if ch.isalpha()]
    unpronounceable = len(_VOWELS.findall(word)) < _MAX_SLIP_VOWELS * max(len(letters), 1)
    if others_slipped or unpronounceable or _PUNCT_INSIDE.search(word):
        return cyrillic.strip("'")
    return None
