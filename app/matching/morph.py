"""Declined name forms → nominative hypotheses, for what families type ("ищу Иванова Сергея Петровича").

Only queries go through here: registry names are recorded in the nominative, and morphology is far too slow for
the import path. Two sources of hypotheses are combined, because neither is enough alone:

* `pymorphy3` with the OpenCorpora (Russian) and LanguageTool/VESUM (Ukrainian) dictionaries knows declension of
  given names, patronymics and many surnames, and guesses unknown surnames by analogy (Нескребина → Нескребин).
* Suffix rules for masculine surname declension (-ого/-ому/-ым/-ом/-а/-у/-е …), in Cyrillic and in Latin, cover
  what the analyzer misses.

The original token is always the first hypothesis; scoring takes the best-matching one and explains it when it was
not the original.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from app.matching.normalize import clean_token, looks_ukrainian, script_of

if TYPE_CHECKING:
    import pymorphy3

Role = Literal["surname", "given", "patronymic"]

_MAX_FORMS = 4
_ROLE_TAG: dict[Role, str] = {"surname": "Surn", "given": "Name", "patronymic": "Patr"}

_CYR_RULES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(ск|цк)(ого|ому|им|ом)$"), ("\\1ий",)),
    (re.compile(r"(ого|его)$"), ("ий", "ой")),
    (re.compile(r"(ому|ему)$"), ("ий", "ой")),
    (re.compile(r"(ов|ев|ёв|ин|ын)(а|у|ым|е)$"), ("\\1",)),
    (re.compile(r"(ович|евич|ич)(а|у|ем|е)$"), ("\\1",)),
    (re.compile(r"(ом|ем|а|я|у|ю|е|ы|и)$"), ("",)),
)
_LAT_RULES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(sk|tsk|ck)(ogo|omu|im|ym)$"), ("\\1iy",)),
    (re.compile(r"(ov|ev|in|yn)(a|u|ym|e)$"), ("\\1",)),
    (re.compile(r"(ovich|evich|ovych|evych|ich|ych)(a|u|em|e)$"), ("\\1",)),
    (re.compile(r"(ogo|ego)$"), ("iy",)),
)


_FRENCH_MARKERS = re.compile(r"ou|tch|dj|ine$|ie$")
_FRENCH = ((re.compile(r"ou"), "u"), (re.compile(r"tch"), "ch_"), (re.compile(r"ch"), "sh"), (re.compile(r"ch_"), "ch"),
           (re.compile(r"dj"), "dzh"), (re.compile(r"j"), "zh"), (re.compile(r"(?<=[nl])e$"), ""))  # fmt: skip


def _latin_readings(token: str) -> list[str]:
    """Other readings of a Latin spelling whose letters mean different sounds under other standards.

    GOST 7.79-B, GOST 7034 and scientific transliteration write х as "x" (Mixail), where English-style spellings
    write кс (Alexei); Soviet passports before 1997 used French transcription (Khoudorojkov, Iourii, Chergine).
    """
    readings: list[str] = []
    if "x" in token:
        readings.append(token.replace("x", "kh"))
    if _FRENCH_MARKERS.search(token):
        french = token
        for pattern, replacement in _FRENCH:
            french = pattern.sub(replacement, french)
        readings.append(french)
    return readings


@lru_cache(maxsize=2)
def _analyzer(lang: str) -> pymorphy3.MorphAnalyzer:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def _rule_forms(token: str, cyrillic: bool) -> list[str]:
    rules = _CYR_RULES if cyrillic else _LAT_RULES
    out: list[str] = []
    for pattern, replacements in rules:
        if pattern.search(token):
            out.extend(pattern.sub(rep, token) for rep in replacements)
            break
    return [form for form in out if len(form) >= 2]


def _morph_forms(token: str, role: Role) -> list[str]:
    lang = "uk" if looks_ukrainian(token) else "ru"
    try:
        parses = _analyzer(lang).parse(token)
    except Exception:
        return []
    wanted = _ROLE_TAG[role]
    preferred: list[str] = []
    others: list[str] = []
    for parse in parses[:6]:
        tag = parse.tag
        if tag.POS not in ("NOUN", "ADJF"):
            continue
        form = parse.normal_form
        if "femn" in tag and tag.case == "nomn":
            continue  # "Иванова" read as a woman's nominative adds nothing the original does not
        if wanted in tag:
            preferred.append(form)
        elif tag.POS == "NOUN" and parse.score >= 0.1:
            others.append(form)
    return preferred + others


@lru_cache(maxsize=50_000)
def nominative_forms(token: str, role: Role) -> tuple[str, ...]:
    """The token itself followed by up to three nominative readings of it in the given role (cleaned forms)."""
    cleaned = clean_token(token)
    if not cleaned:
        return ()
    forms: list[str] = [cleaned]
    script = script_of(cleaned)
    if script == "cyrillic":
        forms += [clean_token(f) for f in _morph_forms(cleaned, role)]
        forms += _rule_forms(cleaned, cyrillic=True)
    elif script == "latin":
        forms += _rule_forms(cleaned, cyrillic=False)
        forms += _latin_readings(cleaned)
    unique: list[str] = []
    for form in forms:
        if form and form not in unique:
            unique.append(form)
    return tuple(unique[:_MAX_FORMS])


@lru_cache(maxsize=50_000)
def is_dictionary_given_name(token: str) -> bool:
    """True when the Russian/Ukrainian dictionary tags the (Cyrillic) token as a given name in its best reading."""
    cleaned = clean_token(token)
    if script_of(cleaned) != "cyrillic":
        return False
    lang = "uk" if looks_ukrainian(cleaned) else "ru"
    try:
        parses = _analyzer(lang).parse(cleaned)
    except Exception:
        return False
    return any("Name" in p.tag and p.score >= 0.3 for p in parses[:3])
