"""Hard stress sets: what hotline notes and received lists carry, drawn on names the development sets never hold.

The same persons and registry rows as `tests.matching.stress` (other surnames, by real frequency, none of the dev
registry's), and on top, written here independently of any labelled set:

* queries: initials, Latin look-alike letters in Cyrillic, the wrong keyboard layout (Russian or Ukrainian
  ЙЦУКЕН on QWERTY), Polish / Czech / Lithuanian / Latvian spellings (this module's own transliteration tables),
  scanner misreadings, two typos, swapped fields, dates in words (ru/uk/en, Roman months, two-digit years, "г.р."),
  an age instead of a date (stated on `STATED_ON`), a surname with only a military unit;
* registry rows: scanner misreadings, look-alike letters, upper case, a Baltic or Polish Latin list now and then.

`python -m tests.matching.stress_hard --registry 30000 --queries 3000 --misses` measures the engine on a large one.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from app.matching.evaluate import Report, evaluate_sets
from app.matching.model import LookupQuery, PersonRecord
from tests.matching.stress import SEED, Person, StressSet, _Generator, typo

STATED_ON = date(2026, 11, 30)
HARD_KINDS = (
    "initials",
    "homoglyph",
    "layout",
    "polish",
    "czech",
    "lithuanian",
    "latvian",
    "ocr",
    "two_typos",
    "field_swap",
    "dob_text",
    "age_only",
    "unit",
)

_KEYS_RU = "йцукенгшщзхъфывапролджэячсмитьбюё"
_KEYS_UK = "йцукенгшщзхїфівапролджєячсмитьбю'"
_KEYS_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k", "А": "A", "В": "B",
              "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X"}  # fmt: skip
_OCR = {"ш": "щ", "щ": "ш", "и": "н", "н": "и", "п": "и", "л": "д", "д": "л", "з": "3", "э": "з", "ь": "ъ",
        "о": "0", "т": "г", "е": "с", "в": "в"}  # fmt: skip

_COMMON = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "й": "j", "к": "k", "л": "l",
           "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ы": "y",
           "э": "e", "ъ": "", "ь": ""}  # fmt: skip
_POLISH = _COMMON | {"в": "w", "е": "ie", "ё": "io", "ж": "ż", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz",
                     "щ": "szcz", "ю": "iu", "я": "ia", "л": "ł"}  # fmt: skip
_CZECH = _COMMON | {"е": "e", "ё": "jo", "ж": "ž", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ю": "ju",
                    "я": "ja"}  # fmt: skip
_BALTIC = _CZECH | {"х": "ch", "е": "e", "ы": "y"}
_LATVIAN = _CZECH | {"х": "h", "ы": "i", "ц": "c"}
_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря")  # fmt: skip
_MONTHS_UK = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
              "листопада", "грудня")  # fmt: skip
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")  # fmt: skip
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _spell(name: str, table: dict[str, str]) -> str:
    out: list[str] = []
    lower = name.lower()
    for index, ch in enumerate(lower):
        after_vowel_or_start = index == 0 or lower[index - 1] in "аеёиоуыэюяьъ"
        if ch in "еёюя" and after_vowel_or_start:
            out.append({"е": "je", "ё": "jo", "ю": "ju", "я": "ja"}[ch])
        else:
            out.append(table.get(ch, ch))
    text = "".join(out)
    return text[:1].upper() + text[1:]


def _baltic_name(name: str, role: str, table: dict[str, str], latvian: bool) -> str:
    base = name.lower()
    if role == "patronymic":
        stem = _spell(base, table)
        return stem + ("s" if latvian else "ius")
    if base.endswith(("ий", "ый")):
        stem = _spell(base[:-2], table)
        if role == "surname":
            return stem + ("is" if not latvian else "ijs")
        return stem + ("ijs" if latvian else "ijus")
    if base.endswith(("ей", "ай")):
        return _spell(base[:-1], table) + ("js" if latvian else "jus")
    spelt = _spell(base, table)
    if base[-1] in "аяо":
        return spelt
    return spelt + ("s" if latvian else "as")


def _layout(name: str, ukrainian: bool) -> str:
    keys = _KEYS_UK if ukrainian else _KEYS_RU
    out = []
    for ch in name:
        lower = ch.lower()
        if lower in keys:
            key = _KEYS_LATIN[keys.index(lower)]
            out.append(key.upper() if ch.isupper() else key)
        else:
            out.append(ch)
    return "".join(out)


def _lookalikes(name: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(name) if ch in _LOOKALIKE]
    chosen = set(rng.sample(spots, min(len(spots), rng.choice((1, 2, 3))))) if spots else set()
    return "".join(_LOOKALIKE[ch] if i in chosen else ch for i, ch in enumerate(name))


def _scan(name: str, rng: random.Random) -> str:
    """One scanner misreading: a confused letter, a dropped or doubled one, or a space inside the word."""
    spots = [i for i, ch in enumerate(name) if ch.lower() in _OCR and i > 0]
    roll = rng.random()
    if spots and roll < 0.6:
        i = rng.choice(spots)
        return name[:i] + _OCR[name[i].lower()] + name[i + 1 :]
    i = rng.randrange(1, max(2, len(name) - 1))
    if roll < 0.75:
        return name[:i] + name[i + 1 :]
    if roll < 0.9:
        return name[:i] + name[i] + name[i:]
    return name[:i] + " " + name[i:]


def _initial(name: str) -> str:
    return name[:1].upper() + "."


def _date_text(value: date, rng: random.Random) -> str:
    style = rng.randrange(7)
    if style == 0:
        return f"{value.day} {_MONTHS_RU[value.month - 1]} {value.year}"
    if style == 1:
        return f"{value.day} {_MONTHS_UK[value.month - 1]} {value.year} р.н."
    if style == 2:
        return f"{_MONTHS_EN[value.month - 1]} {value.day}, {value.year}"
    if style == 3:
        return f"{value.day}.{_ROMAN[value.month - 1]}.{value.year}"
    if style == 4:
        return f"({value.day:02d}.{value.month:02d}.{value.year % 100:02d})"
    if style == 5:
        return f"{value.year} г.р." if rng.random() < 0.5 else f"{value.year} року народження"
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _age_text(value: date, rng: random.Random) -> str:
    age = STATED_ON.year - value.year - ((STATED_ON.month, STATED_ON.day) < (value.month, value.day))
    return rng.choice((f"{age} лет", f"{age} год", f"{age} років", f"aged {age}", f"{age} years old", f"вік {age}"))


def _unit_text(unit: str, rng: random.Random) -> str:
    number = unit.split()[-1]
    return rng.choice((f"в/ч {number}", f"войсковая часть {number}", f"military unit {number}", f"в/ч №{number}"))


class _HardGenerator(_Generator):
    """Registry rows with their own noise; queries with one hard kind (and sometimes a second)."""

    def record(self, person: Person) -> tuple[PersonRecord, str]:
        record, form = super().record(person)
        roll = self.rng.random()
        if form == "ru" and roll < 0.06:
            record = replace(record, surname=_scan(record.surname or "", self.rng))
            form += "+ocr"
        elif form == "ru" and roll < 0.1:
            record = replace(record, surname=_lookalikes(record.surname or "", self.rng))
            form += "+homoglyph"
        elif form == "ru" and roll < 0.14:
            names = (record.surname, record.given_name, record.patronymic)
            upper = [n.upper() if n else n for n in names]
            record = replace(record, surname=upper[0], given_name=upper[1], patronymic=upper[2])
            form += "+upper"
        elif form == "ru" and roll < 0.17:
            table, latvian = (_LATVIAN, True) if self.rng.random() < 0.5 else (_BALTIC, False)
            record = replace(
                record,
                surname=_baltic_name(person.surname, "surname", table, latvian),
                given_name=_baltic_name(person.given, "given", table, latvian),
                patronymic=_baltic_name(person.patronymic, "patronymic", table, latvian) if record.patronymic else None,
            )
            form = "latin_lv" if latvian else "latin_lt"
        return record, form

    def hard_query(self, person: Person, record: PersonRecord | None) -> tuple[LookupQuery, tuple[str, ...]]:
        rng = self.rng
        kind = rng.choice(HARD_KINDS)
        surname, given = person.surname, person.given
        patronymic: str | None = person.patronymic
        dob = person.dob.isoformat()
        full = rng.random() < 0.4
        fields: dict[str, str | None] = {}
        if kind == "initials":
            initials = _initial(given) + (_initial(patronymic) if patronymic and rng.random() < 0.7 else "")
            text = rng.choice(
                (f"{surname} {initials}", f"{initials} {surname}", f"{surname} {initials.replace('.', '. ')}")
            )
            return LookupQuery(full_name=text.strip(), date_of_birth=dob), (kind,)
        if kind == "homoglyph":
            surname, given = _lookalikes(surname, rng), _lookalikes(given, rng) if rng.random() < 0.5 else given
        elif kind == "layout":
            ukrainian = rng.random() < 0.3
            surname, given = _layout(surname, ukrainian), _layout(given, ukrainian)
            patronymic = _layout(patronymic, ukrainian) if patronymic else None
        elif kind in ("polish", "czech"):
            table = _POLISH if kind == "polish" else _CZECH
            surname, given = _spell(surname, table), _spell(given, table)
            patronymic = _spell(patronymic, table) if patronymic else None
            if kind == "czech" and rng.random() < 0.4:  # Czech spellings without their diacritics
                strip = str.maketrans("čšžř", "cszr")
                surname, given = surname.translate(strip), given.translate(strip)
                patronymic = patronymic.translate(strip) if patronymic else None
        elif kind in ("lithuanian", "latvian"):
            latvian = kind == "latvian"
            table = _LATVIAN if latvian else _BALTIC
            surname = _baltic_name(surname, "surname", table, latvian)
            given = _baltic_name(given, "given", table, latvian)
            patronymic = _baltic_name(patronymic, "patronymic", table, latvian) if patronymic else None
        elif kind == "ocr":
            surname = _scan(surname, rng)
        elif kind == "two_typos":
            surname = typo(typo(surname, rng), rng) if rng.random() < 0.5 else typo(surname, rng)
            if surname == person.surname or rng.random() < 0.5:
                given = typo(given, rng)
        elif kind == "field_swap":
            if rng.random() < 0.5:
                given, patronymic = patronymic or given, given
            else:
                surname, given = given, surname
            return LookupQuery(surname=surname, given_name=given, patronymic=patronymic, date_of_birth=dob), (kind,)
        elif kind == "dob_text":
            text = (
                f"{surname} {given} {patronymic or ''}".replace("  ", " ").strip() + ", " + _date_text(person.dob, rng)
            )
            return LookupQuery(full_name=text), (kind,)
        elif kind == "age_only":
            text = f"{surname} {given} {patronymic or ''}".replace("  ", " ").strip() + " " + _age_text(person.dob, rng)
            return LookupQuery(full_name=text, stated_on=STATED_ON.isoformat()), (kind,)
        elif kind == "unit":
            unit = record.military_unit if record is not None and record.military_unit else "в/ч 00000"
            if rng.random() < 0.5:
                return LookupQuery(full_name=f"{surname} {_unit_text(unit, rng)}", date_of_birth=dob[:4]), (kind,)
            return LookupQuery(surname=surname, military_unit=_unit_text(unit, rng)), (kind,)
        if full:
            text = " ".join(n for n in (surname, given, patronymic) if n)
            return LookupQuery(full_name=text, date_of_birth=dob), (kind,)
        fields = {"surname": surname, "given_name": given, "patronymic": patronymic}
        return LookupQuery(**fields, date_of_birth=dob), (kind,)


def generate(registry_size: int = 2000, query_count: int = 600, seed: int = SEED) -> StressSet:
    """A registry of `registry_size` men (with noisy rows) and `query_count` hard lookups, 13 % for absent men
    (a third of them namesakes); deterministic for a seed."""
    rng = random.Random(seed)
    gen = _HardGenerator(rng, only=None, flat=False, any_scheme=False)
    people: list[Person] = []
    registry: list[tuple[str, PersonRecord]] = []
    for index in range(registry_size):
        person = gen.person()
        record, _form = gen.record(person)
        people.append(person)
        registry.append((f"H{index:07d}", record))
    known = {(p.surname, p.given, p.patronymic) for p in people}
    queries: list[tuple[str, LookupQuery]] = []
    labels: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for index in range(query_count):
        qid = f"h{index:06d}"
        if rng.random() < 0.13:
            person = gen.namesake(rng.choice(people)) if rng.random() < 0.35 else gen.person()
            while (person.surname, person.given, person.patronymic) in known:
                person = replace(person, patronymic=gen.patronymics.draw(rng))
            query, kinds = gen.hard_query(person, None)
            labels[qid] = (None, kinds)
        else:
            target = rng.randrange(registry_size)
            query, kinds = gen.hard_query(people[target], registry[target][1])
            labels[qid] = (registry[target][0], kinds)
        queries.append((qid, query))
    return StressSet(registry, queries, labels, dict(zip((rid for rid, _ in registry), people, strict=True)))


def run(registry_size: int, query_count: int, seed: int) -> Report:
    """Generate a hard set and measure the engine on it."""
    stress = generate(registry_size, query_count, seed)
    return evaluate_sets(stress.registry, stress.queries, stress.labels)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.registry, args.queries, args.seed)
    print(report.render())
    if args.misses:
        print("\n".join(report.misses))


if __name__ == "__main__":
    main(sys.argv[1:])
