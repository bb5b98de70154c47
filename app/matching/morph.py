"""Declined name forms → nominative hypotheses, for what families type ("ищу Иванова Сергея Петровича").

Only queries go through here: registry names are recorded in the nominative, and morphology is far too slow for
the import path. Two sources of hypotheses are combined, because neither is enough alone:

* `pymorphy3` with the OpenCorpora (Russian) and LanguageTool/VESUM (Ukrainian) dictionaries knows declension of
  given names, patronymics and many surnames, and guesses unknown surnames by analogy (Нескребина → Нескребин).
* Suffix rules for masculine surname declension (-ого/-ому/-ым/-ом/-а/-у/-е …), in Cyrillic and in Latin, cover
  what the analyzer misses.

The original token is always the first hypothesis; scoring takes the best-matching one and explains it when it was
not the original.

The module also holds the other readings of Latin letters (`latin_hints`, `latin_readings`): standards disagree on
what "x", "c", "j", "ch" and "sh" stand for, and the spelling of a whole query (or registry row) tells which
standards are in play. Those readings are cheap string rewrites, so registry rows get them too (declension stays
query-only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from app.matching.normalize import clean_token, looks_ukrainian, script_of

if TYPE_CHECKING:
    import pymorphy3

Role = Literal["surname", "given", "patronymic"]

_MAX_FORMS = 5
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


Hints = frozenset[str]
NO_HINTS: Hints = frozenset()

_FRENCH_MARKERS = re.compile(r"ou|tch|dj|gu[eiy]|ï|ine$")
# Without "ou" and "-ine": Russian names spell о+у (Белоусов) and -ине in every standard. Registry rows use these only.
_FRENCH_STRICT = re.compile(r"tch|dj|gu[eiy]|ï")
_FRENCH = ((re.compile(r"ou"), "u"), (re.compile(r"tch"), "\x02"), (re.compile(r"ch"), "sh"),
           (re.compile(r"\x02"), "ch"), (re.compile(r"dj"), "dzh"), (re.compile(r"j"), "zh"),
           (re.compile(r"gu(?=[eiy])"), "g"), (re.compile(r"(?<=[nl])e$"), ""))  # fmt: skip
_GERMAN_MARKERS = re.compile(r"w|sch")
_C_AS_K = re.compile(r"(?<!t)c(?![hz])")  # a "c" that no standard with к = k would write (tc is GOST 2006 ц)
_C_READ_AS_K = re.compile(r"c(?![hz])")  # once no "k" is in sight, "tc" is т+к (Cvietcovscii)
_SC_VOWEL = re.compile(r"sc(?=[aeiouy])")
_CH_CONSONANT = re.compile(r"^ch(?=[bdfglmnprsvwz])")
_K_NOT_KH = re.compile(r"k(?!h)")
_J_INSIDE = re.compile(r"j(?!$)")
_J_FINAL_AFTER_VOWEL = re.compile(r"[aeiouy]j$")
_CARON = re.compile(r"[šžčŝ]")
# Polish and Czech write х as "ch" (Michajłowicz, Tolstichin) and Polish ш/ж/щ as sz/rz/szcz; their spellings show
# letters or endings English-style ones never have (ł ż ś ć ń ó, sz/cz/rz, carons, -owicz/-ewicz, -ovic/-evic).
_WEST_SLAVIC = re.compile(r"[łżśćńóřěůňťď]|sz|cz|rz|owicz|ewicz|[oe]vi[cč]$")
_WEST_SLAVIC_STRICT = re.compile(r"[łżśćńóřěůňťď]|szcz|owicz|ewicz")
# Lithuanian and Latvian add their own endings to Russian names: Ivanovas, Aleksandras, Aleksejus, Nailovičius
# (Lithuanian), Ivanovs, Mihails, Vitalijs, Semenovičs (Latvian).
_BALTIC = re.compile(r"(ovas|evas|inas|ynas|ovs|evs|ins|skis|ckis|čius|cius|ijus|ijs|jus|ičs|ics)$")
_BALTIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(ovič|evič|ovic|evic|ič|ic)(ius|s)$"), r"\1"),
    (re.compile(r"(sk|ck)(is|ys|as)$"), r"\1ij"),
    (re.compile(r"ijus$|ijs$"), "ij"),
    (re.compile(r"(?<=[aeiou])jus$"), "j"),
    (re.compile(r"ius$"), "i"),
    (re.compile(r"(?<=[^aeiouy])(as|is|us|ys)$"), ""),
    (re.compile(r"(?<=[bcdfghklmnprstvzčšžj])s$"), ""),
)


def baltic_stem(token: str) -> str:
    """The name without its Lithuanian or Latvian ending (Ivanovas → ivanov, Vitalijs → vitalij); the cleaned token
    when it has none."""
    cleaned = clean_token(token)
    for pattern, replacement in _BALTIC_RULES:
        if pattern.search(cleaned):
            stem = pattern.sub(replacement, cleaned)
            return stem if len(stem) >= 2 else cleaned
    return cleaned


def has_baltic_ending(token: str) -> bool:
    """True when a Latin token ends the way only Lithuanian or Latvian spellings of Russian names do."""
    latin = as_latin(token)
    return latin is not None and _BALTIC.search(latin) is not None


def as_latin(token: str) -> str | None:
    """The cleaned token if it is Latin, also when it carries Cyrillic soft/hard signs (UZ: Syulьjin); else None."""
    cleaned = clean_token(token)
    if script_of(cleaned) == "mixed":
        cleaned = cleaned.replace("ь", "").replace("ъ", "")
    return cleaned if cleaned and script_of(cleaned) == "latin" else None


def latin_hints(tokens: Iterable[str], *, strict: bool = False) -> Hints:
    """Which families of Latin standards the spelling of a whole query points to (used by `nominative_forms`).

    One token rarely shows its standard, the query as a whole often does ("Cherechev Vasilii Viktorovitch": the
    "tch" of the patronymic says French, so the "ch" of the surname is ш):

    * ``french``: "ou", "tch", "dj", "gue/gui", "ï" or a final "-ine" (MVD 310 FR, Ukrainian French); with
      `strict` (registry rows, whose every reading is stored) only "tch", "dj", "gue/gui" and "ï";
    * ``german``: "w" or "sch" (Ukrainian German: w = в, z = ц, sh = ж, sch = ш, tsch = ч, ch = х);
    * ``c_as_k``: a "c" outside ch/cz/tc/ts and no "k" outside "kh" (Ukrainian passport 2004 variant: Nicolai);
    * ``j_as_zh``: a "j" inside a name, no "zh"/"ž" anywhere and no name ending in vowel + "j" (the й of the ISO
      family), as in Telegram, UZ and the 2004 passport variant (Jukov = Жуков);
    * ``sh_as_skh``: carons present (š = ш), so a plain "sh" is с+х (ISO 9, GOST 7.79: Ashat = Асхат).
    """
    latin = [t for t in (as_latin(tok) for tok in tokens) if t]
    if not latin:
        return NO_HINTS
    hints: set[str] = set()
    french = _FRENCH_STRICT if strict else _FRENCH_MARKERS
    if any(french.search(t) for t in latin):
        hints.add("french")
    if any(_GERMAN_MARKERS.search(t) for t in latin):
        hints.add("german")
    if any(_C_AS_K.search(t) for t in latin) and not any(_K_NOT_KH.search(t) for t in latin):
        hints.add("c_as_k")
    if (
        any(_J_INSIDE.search(t) for t in latin)
        and not any("zh" in t or "ž" in t for t in latin)
        and not any(_J_FINAL_AFTER_VOWEL.search(t) for t in latin)
    ):
        hints.add("j_as_zh")
    if any(_CARON.search(t) for t in latin):
        hints.add("sh_as_skh")
    if any((_WEST_SLAVIC_STRICT if strict else _WEST_SLAVIC).search(t) for t in latin):
        hints.add("west_slavic")
    if any(_BALTIC.search(t) for t in latin):
        hints.add("baltic")
    return frozenset(hints)


def _french(token: str) -> str:
    for pattern, replacement in _FRENCH:
        token = pattern.sub(replacement, token)
    return token


_BALTIC_ANY = re.compile(r"[^aeiouy](as|is|us|ys|s)$|[aeiou]jus$|ijs$")


def _west_slavic(token: str) -> str:
    """Polish and Czech: ch = х, sz = ш, rz = ж, szcz = щ (cz = ч and w = в the skeleton already reads)."""
    token = token.replace("szcz", "shch").replace("sz", "sh").replace("rz", "zh")
    return re.sub(r"(?<![cs])ch", "kh", token)


def _german(token: str) -> str:
    token = token.replace("schtsch", "\x01").replace("tsch", "\x02").replace("sch", "\x03")
    token = token.replace("z", "ts").replace("sh", "zh").replace("ch", "kh").replace("w", "v")
    return token.replace("\x01", "shch").replace("\x02", "ch").replace("\x03", "sh")


def latin_readings(token: str, hints: Hints) -> list[str]:
    """Other readings of a Latin spelling whose letters mean different sounds under other standards.

    GOST 7.79-B, GOST 7034, scientific and UZ transliteration write х as "x" (Mixail), where English-style spellings
    write кс (Alexei); the other readings follow the query's `latin_hints`.
    """
    readings: list[str] = []
    if "x" in token:
        readings.append(token.replace("x", "kh"))
    if "french" in hints:
        readings.append(_french(token))
    if "german" in hints:
        readings.append(_german(token))
    if "west_slavic" in hints:
        readings.append(_west_slavic(token))
    if "baltic" in hints and _BALTIC_ANY.search(token):
        readings.append(baltic_stem(token))
    if not (hints or "sc" in token or token.startswith("ch")):
        return [r for r in dict.fromkeys(readings) if r != token]  # fast path: nothing else to reread
    # The remaining rewrites come from standards that combine them (the 2004 passport variant writes both к = c and
    # ж = j: Zapajcov), so they make one reading together.
    # Where к is written "c", "sc" is ск (Radomscii); elsewhere "sc" + vowel is Telegram's щ (Scerbakov).
    combined = _C_READ_AS_K.sub("k", token) if "c_as_k" in hints else _SC_VOWEL.sub("shch", token)
    if "j_as_zh" in hints:
        combined = _J_INSIDE.sub("zh", combined)
    if "sh_as_skh" in hints:
        combined = combined.replace("sh", "skh")
    # A name that starts with "ch" and a consonant is mostly х in the German, Czech or Polish habit (Chloponin,
    # Chmelnyzkyj, Chrapov); a few start with ч (Chmykh), and the original reading stays for them.
    combined = _CH_CONSONANT.sub("kh", combined)
    readings.append(combined)
    return [r for r in dict.fromkeys(readings) if r != token]


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
def query_forms(token: str, role: Role, hints: Hints = NO_HINTS) -> tuple[tuple[str, bool], ...]:
    """The token itself, then up to four other forms of it: (cleaned form, True when it is a de-declined reading).

    A Cyrillic token gets nominative readings in the given role (dictionary and suffix rules). A Latin token gets
    its declension by rule and the other readings its letters allow under the standards the whole query points to
    (`latin_hints`); those are spellings, not declensions, so their flag is False.
    """
    cleaned = clean_token(token)
    if not cleaned:
        return ()
    forms: list[tuple[str, bool]] = [(cleaned, False)]
    if script_of(cleaned) == "cyrillic":
        forms += [(clean_token(f), True) for f in _morph_forms(cleaned, role)]
        forms += [(f, True) for f in _rule_forms(cleaned, cyrillic=True)]
    elif (latin := as_latin(cleaned)) is not None:
        if latin != cleaned:
            forms.append((latin, False))
        forms += [(f, True) for f in _rule_forms(latin, cyrillic=False)]
        forms += [(f, False) for f in latin_readings(latin, hints)]
    unique: dict[str, bool] = {}
    for form, declined in forms:
        if form and form not in unique:
            unique[form] = declined
    return tuple(unique.items())[:_MAX_FORMS]


def nominative_forms(token: str, role: Role, hints: Hints = NO_HINTS) -> tuple[str, ...]:
    """The cleaned forms of `query_forms`, the token itself first."""
    return tuple(form for form, _ in query_forms(token, role, hints))


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
