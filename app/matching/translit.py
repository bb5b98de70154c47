"""Phonetic skeletons: one key space for Cyrillic (Russian, Ukrainian) and every Latin spelling of a name.

A name reaches the registry through many hands: Russian or Ukrainian Cyrillic, and Latin written under one of several
standards (passport/MVD, ICAO Doc 9303, BGN/PCGN, GOST 7.79 / ISO 9 with diacritics, Ukrainian KMU 2010, ad-hoc
English). Instead of guessing which standard produced a spelling, every form is projected onto a reduced Latin
alphabet where the differences between those standards disappear:

* Cyrillic is first written in a plain letter-for-letter Latin (`_CYR`), so that the same reduction rules then apply
  to both scripts: whatever the rules merge, they merge symmetrically.
* Digraphs and diacritics collapse (`shch/sch/ŝ → s`, `zh/ž → z`, `kh/h/x/g → g`, `ts/tz/cz/c/ch/č → c`, `sh/š → s`),
  `y/j → i`, glides merge (`ie/io/ye/yo/ë/ê → e`, `ya/ja/â → ia`), soft and hard signs and apostrophes vanish, and
  runs of one letter shrink to one. Ukrainian `г` (Latin `h`) and Russian `г` (`g`) meet; `и/і/ы/й/ї` all become `i`.

This gives the **vowel skeleton** (`vowel_skeleton`, e.g. Юлия, Iuliia, Yulia, Julija, Julija → `iulia`), which is
what scoring compares. Dropping the vowels gives the **consonant skeleton** (`consonant_skeleton`, e.g. Олексій,
Алексей, Oleksii, Aleksey → `lks`), which is what retrieval keys use: Ukrainian/Russian vowel shifts
(Олександр/Александр), letter-by-letter transcriptions (Андрєй), most transliteration differences, most vowel typos
and most case endings (Ивана → `vn`) leave it unchanged. Collisions it creates are settled by scoring.

Both functions are pure and cached per token; they are the hot path of `record_keys`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from app.matching.normalize import clean_token

_CYR: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "io", "є": "ie", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "ii", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ў": "u",
}  # fmt: skip

_LATIN_DIACRITICS: dict[str, str] = {
    "š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "â": "ia", "û": "iu", "ë": "io", "ê": "ie", "ì": "i",
    "ï": "ii", "ǵ": "g", "ǧ": "g", "ĭ": "i", "ё": "io", "ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ø": "o", "ł": "l",
}  # fmt: skip

_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("schtsch", "s"), ("shch", "s"), ("shh", "s"), ("sch", "s"), ("tch", "c"), ("tc", "c"), ("ch", "c"), ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"), ("ts", "c"), ("tz", "c"), ("cz", "c"), ("tc", "c"), ("ph", "f"), ("x", "ks"), ("w", "v"),
    ("q", "k"), ("h", "g"), ("y", "i"), ("j", "i"),
)  # fmt: skip
# The second ("tc", "c") folds т+ц into ц once ц has become "c": Лутцев, Lutsev, Luttsev and GOST 2006 "Lutcev" meet.

# DSTU 9112 writes the soft sign as "j" (Iljdar, Ighorj, Kuzjmych): a "j" between consonants or after a consonant at
# the end can only be a soft sign, since й never follows a consonant.
_SOFT_J = re.compile(r"(?<=[bcdfgklmnprstvwxz])j(?=[bcdfgklmnprstvwxz]|$)")
# GOST 16876-71 (table 2) and ISO/R 9 write э as "eh" (Ehduard, Rafaehl'): at the start of a name or after a vowel,
# and before a consonant, "eh" cannot be е+х.
_EH = re.compile(r"(?:^|(?<=[aou]))eh(?=[bcdfgklmnprstvwxz])")

_NON_LETTER = re.compile(r"[^a-z]")
_RUNS = re.compile(r"(.)\1+")
_GLIDE_E = re.compile(r"ie|(?<=[^aeiou])io")
_VOWELS = re.compile(r"[aeiou]")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def latin_base(token: str) -> str:
    """Write one cleaned token (any script) in plain lower-case Latin, letter for letter, before reduction."""
    out: list[str] = []
    for index, ch in enumerate(token):
        if ch == "ь" and token[index + 1 : index + 2] == "о":
            out.append("i")  # Ukrainian "ьо" spells the sound Russian writes "ё": Корабльов = Кораблёв
            continue
        mapped = _CYR.get(ch)
        if mapped is None:
            mapped = _LATIN_DIACRITICS.get(ch)
        out.append(ch if mapped is None else mapped)
    return _strip_marks("".join(out))


@lru_cache(maxsize=200_000)
def vowel_skeleton(token: str) -> str:
    """Reduce a name token to its transliteration-independent form (see module docstring); '' for no letters."""
    text = latin_base(clean_token(token))
    if "j" in text:
        text = _SOFT_J.sub("", text)
    if "eh" in text:
        text = _EH.sub("e", text)
    for old, new in _DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    text = _NON_LETTER.sub("", text)
    text = _RUNS.sub(r"\1", text)
    text = _GLIDE_E.sub("e", text)
    return _RUNS.sub(r"\1", text)


@lru_cache(maxsize=200_000)
def consonant_skeleton(token: str) -> str:
    """The vowel skeleton without its vowels: the retrieval form of a name token.

    Consonant runs exposed by dropping vowels are kept (Калинин `klnn`), so a dropped syllable stays one edit away.
    """
    return _VOWELS.sub("", vowel_skeleton(token))


def skeleton_from_vowels(vowels: str) -> str:
    """Consonant skeleton of a string that is already a vowel skeleton (for derived forms such as stems)."""
    return _VOWELS.sub("", vowels)
