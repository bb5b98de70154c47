"""Which of our languages (ru, uk, en) a message is written in, from its letters and commonest words.

Three languages with distinct alphabets need no statistical model: Ukrainian has і ї є ґ, Russian has ы э ъ ё, and
text in Latin letters is answered in English. Short common words settle Cyrillic text that has none of the telling
letters.
"""

from __future__ import annotations

import re

_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")
_UK_WORDS = frozenset(
    [
        "що",
        "як",
        "та",
        "це",
        "від",
        "він",
        "вона",
        "мій",
        "мого",
        "мене",
        "син",
        "сина",
        "чоловік",
        "брат",
        "будь",
        "ласка",
        "допоможіть",
    ]
)
_RU_WORDS = frozenset(
    [
        "что",
        "как",
        "это",
        "от",
        "он",
        "она",
        "мой",
        "моего",
        "меня",
        "сын",
        "сына",
        "муж",
        "брат",
        "пожалуйста",
        "помогите",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str | None, default: str = "ru") -> str:
    if not text:
        return default
    sample = text[:20_000].lower()
    cyrillic = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in sample if "a" <= ch <= "z")
    if cyrillic == 0 and latin == 0:
        return default
    if latin > cyrillic * 2:
        return "en"
    uk = sum(1 for ch in sample if ch in _UK_LETTERS)
    ru = sum(1 for ch in sample if ch in _RU_LETTERS)
    words = _WORD.findall(sample)
    uk += sum(1 for w in words if w in _UK_WORDS and w not in _RU_WORDS)
    ru += sum(1 for w in words if w in _RU_WORDS and w not in _UK_WORDS)
    if uk > ru:
        return "uk"
    if ru > 0 or cyrillic > 0:
        return "ru"
    return default
