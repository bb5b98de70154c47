"""Free text a hotline operator or a received list puts in one field: names, and what is not a name.

"Карандасов Сергей Павлович, 19 вересня 1995 р.н.", "Хапов Станислав Павлович 28 лет", "Никитин в/ч 73706",
"Savičevas Ivanas aged 54", "Ivanov Azat Danilovič (26.06.83)": the names come with a date written in words or
numbers, an age, a military unit. `extract` takes those out and says what it read, so the officer sees how the
inquiry was understood; what is left is the name text for `parse`.

Each reading carries its evidence in words (`notes`), and nothing is guessed that the text does not say: an age
becomes a window of birth dates relative to the date it was stated, never a single year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from app.matching.dates import PartialDate, parse_date

# Month names by their stems: Russian (nominative and genitive), Ukrainian (nominative and genitive), English.
_MONTH_STEMS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("январ", "січ", "jan")),
    (2, ("феврал", "лют", "feb")),
    (3, ("март", "берез", "mar")),
    (4, ("апрел", "квіт", "apr")),
    (5, ("мая", "май", "трав", "may")),
    (6, ("июн", "черв", "jun")),
    (7, ("июл", "лип", "jul")),
    (8, ("август", "серп", "aug")),
    (9, ("сентябр", "верес", "sep")),
    (10, ("октябр", "жовт", "oct")),
    (11, ("ноябр", "листопад", "nov")),
    (12, ("декабр", "груд", "dec")),
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11,
          "xii": 12}  # fmt: skip

_MONTH_WORD = r"[a-zа-яіїєґ]{3,10}\.?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_SEP = r"\s*[-./,]?\s*"

# Unit: "в/ч 12345", "в.ч. 12345", "ВЧ 12345", "войсковая часть 12345", "военная часть", "часть 12345", "військова
# частина А1234", "military unit 12345", "MU 12345", with "N", "№" or "No." before the number.
_UNIT = re.compile(
    r"(?<![\wа-яіїєґ])(?:в\s*/\s*ч|в\.\s*ч\.?|вч|в/ч|(?:войсковая|военная|військова)\s+(?:часть|частина)|часть|"
    r"частина|military\s+unit|mil\.?\s*unit|mu|unit)\s*(?:№|n\.?|no\.?|#)?\s*[-‐]?\s*(?P<unit>[a-zа-я]?\d{3,6})\b",
    re.IGNORECASE,
)
# Age: "28 лет", "41 год", "39 років", "43л.", "34 г.", "aged 30", "age 55", "30 years old", "вік 29", "ему 41 год".
_AGE_BEFORE = re.compile(
    r"(?:\b(?:aged|age)|(?<![а-яіїєґ])(?:вік|возраст|ему|йому))\s*:?\s*(?P<age>\d{1,2})(?!\d)", re.IGNORECASE
)
_AGE_AFTER = re.compile(
    r"(?<!\d)(?P<age>\d{1,2})\s*(?:лет|года|год|г\.|г\b|л\.|л\b|років|роки|рік|р\.|р\b|years?\s+old|years?|yrs?\.?|"
    r"y\.?\s*o\.?)(?![а-яіїєґa-z])",
    re.IGNORECASE,
)
_AGE_WORDS = re.compile(
    r"(?<![а-яіїєґa-z])(?:ему|йому|вік|возраст|лет|год|года|років|роки|рік|years|year|old)(?![а-яіїєґa-z])",
    re.IGNORECASE,
)
# Dates in words or numbers.
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s*\.?\s*(?P<m>{_MONTH_WORD})\s*,?\s*(?P<y>{_YEAR})(?!\d)", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?P<m>[a-z]{{3,10}}\.?)\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>{_YEAR})(?!\d)", re.IGNORECASE
)
_ROMAN_DATE = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}}){_SEP}(?P<m>xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i){_SEP}(?P<y>{_YEAR})(?!\d)",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d/])(?P<a>\d{1,4})[-./](?P<b>\d{1,2})[-./](?P<c>\d{2,4})(?![\d/])")
_MONTH_YEAR = re.compile(rf"(?<![\wа-яіїєґ])(?P<m>{_MONTH_WORD})\s+(?P<y>{_YEAR})(?!\d)", re.IGNORECASE)
_NUMERIC_MONTH_YEAR = re.compile(rf"(?<![\d./-])(?P<m>\d{{1,2}})[./](?P<y>{_YEAR})(?![\d./-])")
_BARE_YEAR = re.compile(rf"(?<!\d)(?P<y>{_YEAR})(?!\d)")
# Words that only say "born" / "date of birth" and would otherwise be read as names.
_BIRTH_WORDS = re.compile(
    r"(?<![а-яіїєґa-z])(?:г\.?\s*/?\s*р\.?|р\.?\s*н\.?|д\.?\s*р\.?|года\s+рождения|год\s+рождения|року\s+народження|"
    r"рік\s+народження|дата\s+рождения|дата\s+народження|рожд\.?|народж\.?|born|b\.|dob|d\.o\.b\.?|року|года|"
    r"рождения|народження|(?:г|р)\.(?=\s*$))(?![а-яіїєґa-z])",
    re.IGNORECASE,
)


# Ranks written before a name in lists and notes ("младший сержант Хамдеев"): never names.
_RANK = re.compile(
    r"(?<![а-яіїєґa-z])(?:(?:младший|старший|молодший|старший|гвардии|гвардії|junior|senior)\s+)?"
    r"(?:рядовой|рядовий|ефрейтор|єфрейтор|сержант|старшина|прапорщик|прапорщик|лейтенант|капитан|капітан|майор|"
    r"подполковник|підполковник|полковник|матрос|солдат|private|corporal|sergeant|lieutenant|captain|major|"
    r"colonel|pvt\.|sgt\.|lt\.|cpt\.)(?![а-яіїєґa-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FreeText:
    """What `extract` read in a free-text field."""

    names: str  # the text left for the names
    date: PartialDate | None
    date_text: str | None  # the words the date was read from
    age: int | None
    unit: str | None
    notes: tuple[str, ...]  # how each part was read, for the officer


def _month(word: str) -> int | None:
    w = word.lower().rstrip(".")
    for number, stems in _MONTH_STEMS:
        if any(w.startswith(stem) for stem in stems):
            return number
    return None


def _year2(text: str, today: date) -> int:
    value = int(text)
    if len(text) == 4:
        return value
    century = today.year // 100 * 100
    return century + value if century + value <= today.year else century - 100 + value


def _valid(year: int, month: int, day: int) -> PartialDate | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _find_date(text: str, today: date) -> tuple[PartialDate | None, str | None, str]:
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            month = _month(m.group("m"))
            if month is not None:
                found = _valid(int(m.group("y")), month, int(m.group("d")))
                if found is not None:
                    return found, m.group(0).strip(), _cut(text, m)
    if roman := _ROMAN_DATE.search(text):
        m = roman
        found = _valid(int(m.group("y")), _ROMAN[m.group("m").lower()], int(m.group("d")))
        if found is not None:
            return found, m.group(0).strip(), _cut(text, m)
    for m in _NUMERIC.finditer(text):
        a, b, c = m.group("a"), m.group("b"), m.group("c")
        if len(a) == 4:
            found = parse_date(f"{a}-{b}-{c}") if len(c) <= 2 else None
        else:
            found = parse_date(f"{a}.{b}.{_year2(c, today)}")
        if found is not None:
            return found, m.group(0), _cut(text, m)
    for m in _MONTH_YEAR.finditer(text):
        month = _month(m.group("m"))
        if month is not None:
            return PartialDate(int(m.group("y")), month), m.group(0).strip(), _cut(text, m)
    if (month_year := _NUMERIC_MONTH_YEAR.search(text)) and 1 <= int(month_year.group("m")) <= 12:
        year, month = int(month_year.group("y")), int(month_year.group("m"))
        return PartialDate(year, month), month_year.group(0), _cut(text, month_year)
    if bare := _BARE_YEAR.search(text):
        return PartialDate(int(bare.group("y"))), bare.group(0), _cut(text, bare)
    return None, None, text


def _find_age(text: str) -> tuple[int | None, str]:
    for pattern in (_AGE_AFTER, _AGE_BEFORE):
        m = pattern.search(text)
        if m is not None and 14 <= int(m.group("age")) <= 90:
            return int(m.group("age")), _cut(text, m)
    return None, text


@lru_cache(maxsize=20_000)
def extract(text: str, today: date | None = None) -> FreeText:
    """Take the unit, the date of birth (or an age) and the birth words out of free text; the rest is names.

    `today` resolves two-digit years (26.06.83 → 1983); ages are resolved by the caller against the date they were
    stated (`age_range`).
    """
    today = today or date.today()
    notes: list[str] = []
    rest = text
    unit = None
    if m := _UNIT.search(rest):
        unit = m.group("unit").upper()
        notes.append(f"military unit {unit} read from “{m.group(0).strip()}”")
        rest = _cut(rest, m)
    found_date, date_text, rest = _find_date(rest, today)
    age = None
    if found_date is not None:
        if date_text and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date_text.strip()):
            notes.append(f"date of birth {found_date.iso()} read from “{date_text}”")
    else:
        age, rest = _find_age(rest)
    if m := _RANK.search(rest):
        notes.append(f"rank “{m.group(0)}” is not a name")
        rest = _RANK.sub(" ", rest)
    rest = _BIRTH_WORDS.sub(" ", rest)
    rest = _AGE_WORDS.sub(" ", rest)
    rest = re.sub(r"[(),;:]+", " ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" ,.-")
    return FreeText(rest, found_date, date_text, age, unit, tuple(notes))


def unit_number(value: str | None) -> str | None:
    """A military unit as its number ("в/ч N 62753", "ВЧ 62753", "military unit 62753", "62753" → "62753")."""
    if not value:
        return None
    if m := _UNIT.search(value):
        return m.group("unit").upper()
    digits = re.search(r"(?<!\d)[A-Za-zА-Яа-я]?\d{3,6}(?!\d)", value)
    return digits.group(0).upper() if digits else None
