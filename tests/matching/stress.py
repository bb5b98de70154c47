"""Stress sets for the lookup engine: new labelled sets drawn the way the development set was, from public sources.

The development set (tests/data/matching) is one draw. The engine is also judged on other draws "from other surnames,
other transliteration standards, other grammatical cases and other nicknames", so this module draws such sets itself,
deterministically from a seed, and measures the engine on them (`python -m tests.matching.stress --help`):

* surnames, given names and patronymics by real frequency from the `russiannames` lists (the masculine surnames,
  plus a fifth from the surnames the same for men and women: -енко, -ук, -их, foreign), with every surname the
  development registry holds in any spelling left out;
* Ukrainian forms from the `names-translator` uk→ru dictionaries read backwards (translated forms such as Андрій and
  the letter-by-letter transcriptions such as Андрєй that real records carry), else a letter-by-letter transcription;
* Latin spellings under every scheme `iuliia` offers (Russian) and every Russian and Ukrainian table of `translitua`;
* declined full names in each case `petrovich` produces (genitive, dative, accusative, instrumental, prepositional);
* diminutives from a list written here from the dictionaries cited at `NICKNAMES`, pet names coined the way Russian
  ones are (`nickname_coined`: Серуля, Никуся), typos, token orders, partial and garbled dates of birth, service
  numbers, and absent persons (a third of them namesakes of a registry person).

These libraries are test-only dependencies (`pip install -e '.[test]'`). Nothing here is read by app/: the engine
never sees generated data except as the input it is measured on.

Each label carries the query's variation kinds plus facets that explain misses: `rec:<how the registry row was
written>` and `sur:<surname type>` (-ский, -ой, -их, -енко, -ук …), and `nick:listed|unlisted` for nicknames (whether
the engine's own name table knows the diminutive; reporting only).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

from app.matching.evaluate import Report, evaluate_sets, load_registry
from app.matching.model import LookupQuery, PersonRecord

SEED = 20261128
DEV_DATA = Path(__file__).resolve().parents[1] / "data" / "matching"

# Diminutives written from N. A. Petrovsky, "Словарь русских личных имён" (6th ed., 2005) and the
# "Уменьшительные формы" sections of the Russian Wiktionary name pages, independently of the engine's own table
# (app/matching/data/given_names.txt), which is never read to make them. Pet names no dictionary lists come from
# `_coin_nickname`, so that graceful degradation (surname + date still find the person) is measured, not assumed.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Александр": ("Саша", "Саня", "Шура", "Шурик", "Санёк", "Сашка", "Сашок", "Алекс"),
    "Алексей": ("Лёша", "Лёха", "Алёша", "Лёшка", "Алёха"),
    "Анатолий": ("Толя", "Толик", "Толян"),
    "Андрей": ("Андрюша", "Андрюха", "Андрейка"),
    "Антон": ("Антоша", "Тоша", "Антоха"),
    "Аркадий": ("Аркаша",),
    "Артём": ("Тёма", "Артёмка"),
    "Артем": ("Тёма", "Артёмка"),
    "Богдан": ("Бодя",),
    "Борис": ("Боря", "Борька"),
    "Вадим": ("Вадик", "Вадя"),
    "Валентин": ("Валя", "Валик"),
    "Валерий": ("Валера", "Валерка"),
    "Василий": ("Вася", "Васька", "Василёк"),
    "Вениамин": ("Веня",),
    "Виктор": ("Витя", "Витёк", "Витька"),
    "Виталий": ("Виталик", "Витя"),
    "Владимир": ("Вова", "Володя", "Вовка", "Вован", "Вовчик"),
    "Владислав": ("Влад", "Владик", "Слава"),
    "Всеволод": ("Сева",),
    "Вячеслав": ("Слава", "Славик"),
    "Геннадий": ("Гена", "Генка"),
    "Георгий": ("Жора", "Гоша", "Жорик"),
    "Глеб": ("Глебушка",),
    "Григорий": ("Гриша", "Гришка", "Гриня"),
    "Давид": ("Додик",),
    "Даниил": ("Даня", "Данила"),
    "Денис": ("Дэн", "Дениска"),
    "Дмитрий": ("Дима", "Митя", "Димка", "Димон"),
    "Евгений": ("Женя", "Жека", "Женька"),
    "Егор": ("Егорка", "Гоша"),
    "Ефим": ("Фима",),
    "Захар": ("Захарка",),
    "Иван": ("Ваня", "Ванька", "Ванюша"),
    "Игорь": ("Игорёк", "Гоша"),
    "Илья": ("Илюша", "Илюха"),
    "Иосиф": ("Ося",),
    "Кирилл": ("Кирюша", "Киря", "Кирюха"),
    "Константин": ("Костя", "Костик"),
    "Лев": ("Лёва",),
    "Леонид": ("Лёня", "Лёнька"),
    "Максим": ("Макс", "Максимка"),
    "Матвей": ("Мотя",),
    "Михаил": ("Миша", "Мишка", "Мишаня"),
    "Никита": ("Никитка",),
    "Николай": ("Коля", "Колян", "Николаша", "Колька"),
    "Олег": ("Олежка", "Алик"),
    "Павел": ("Паша", "Павлик", "Пашка"),
    "Петр": ("Петя", "Петька", "Петруша"),
    "Пётр": ("Петя", "Петька"),
    "Роман": ("Рома", "Ромка"),
    "Руслан": ("Русик",),
    "Святослав": ("Слава", "Свят"),
    "Семен": ("Сёма", "Сеня"),
    "Семён": ("Сёма", "Сеня"),
    "Сергей": ("Серёжа", "Серёга", "Серж"),
    "Станислав": ("Стас", "Стасик", "Слава"),
    "Степан": ("Стёпа", "Стёпка"),
    "Тимофей": ("Тима", "Тимоша"),
    "Тимур": ("Тима",),
    "Федор": ("Федя", "Федька"),
    "Фёдор": ("Федя",),
    "Филипп": ("Филя",),
    "Эдуард": ("Эдик",),
    "Юрий": ("Юра", "Юрка", "Юрик"),
    "Яков": ("Яша",),
    "Ярослав": ("Ярик", "Слава"),
}

# Letter-by-letter Ukrainian transcription of a Russian spelling (Андрей → Андрєй, Никитин → Нікітін), the other
# kind of Ukrainian form real lists carry besides dictionary translations.
_UA_TRANSCRIBE = {"и": "і", "ы": "и", "э": "е", "ъ": "'"}
_UA_VOWELS = "аеёиоуыэюяіїє"

_FORM_WEIGHTS = (("ru", 0.55), ("ua", 0.22), ("latin_ru", 0.12), ("latin_ua", 0.11))
# Registry lists are written under the schemes officials use; queries may come under any scheme at all.
_REGISTRY_RU_SCHEMES = ("ICAO_DOC_9303", "MVD_782", "GOST_52535", "BGN_PCGN", "WIKIPEDIA", "YANDEX_MONEY")
_REGISTRY_RU_TABLES = ("RussianInternationalPassport1997", "RussianICAO", "RussianGOST2006", "RussianDriverLicense")
_REGISTRY_UA_TABLES = (
    "UkrainianKMU",
    "UkrainianPassport2007",
    "UkrainianNational1996",
    "UkrainianBGN",
    "UkrainianALALCModified",
    "UkrainianBritish",
)

_VARIATIONS: tuple[tuple[str, float], ...] = (
    ("plain", 0.07),
    ("latin", 0.22),
    ("ukrainian", 0.05),
    ("declined", 0.16),
    ("nickname", 0.08),
    ("nickname_coined", 0.03),
    ("typo", 0.13),
    ("order", 0.1),
    ("service_number", 0.05),
    ("no_patronymic", 0.05),
    ("dob", 0.06),
)
_SECONDARY: tuple[tuple[str, float], ...] = (
    ("typo", 0.3),
    ("no_patronymic", 0.25),
    ("dob", 0.35),
    ("nickname", 0.1),
)
_DOB_KINDS = ("dob_year", "dob_year_month", "dob_swap", "dob_off_year", "dob_missing")
_CASES = ("genitive", "dative", "accusative", "instrumental", "prepositional")
_CYR_LETTERS = "абвгдежзийклмнопрстуфхцчшщыьэюя"
_LAT_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SN_LETTERS = "АВЕКМНОРСТХ"
_TO_LATIN_LOOKALIKE = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
_CYRILLIC_WORD = re.compile(r"^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?$")
_FEMININE = re.compile(r"(ова|ева|ёва|ина|ына|ая|яя)$")
# Share of registry persons whose surname comes from the ungendered list (-енко, -ук, -их, foreign …).
_UNGENDERED_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Person:
    """The truth about one man: Russian nominative names, birth date, service number."""

    surname: str
    given: str
    patronymic: str
    dob: date
    service_number: str


@dataclass
class StressSet:
    """A generated labelled set in the shapes `app.matching.evaluate.evaluate_sets` takes."""

    registry: list[tuple[str, PersonRecord]]
    queries: list[tuple[str, LookupQuery]]
    labels: dict[str, tuple[str | None, tuple[str, ...]]]
    truth: dict[str, Person]  # registry id → the man behind the row, in Russian nominative


# ---------------------------------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pool:
    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative, k=1)[0]


def _pool(rows: Sequence[tuple[str, int]]) -> _Pool:
    cumulative: list[float] = []
    total = 0.0
    for _, count in rows:
        total += count
        cumulative.append(total)
    return _Pool(tuple(v for v, _ in rows), tuple(cumulative))


@cache
def _russiannames() -> tuple[
    list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]]
]:
    """(gendered surnames, other surnames, given names, patronymics) of men with their counts, from `russiannames`.

    The gendered list holds the Russian masculine forms (-ов, -ин, -ский, -ой); the other list the surnames the same
    for men and women (-енко, -ук, -их/-ых, Мороз, Бондарь, foreign ones) without the feminine forms.
    """
    import duckdb

    data = resources.files("russiannames").joinpath("data")
    con = duckdb.connect()

    def rows(sql: str) -> list[tuple[str, int]]:
        return [(str(t), int(c)) for t, c in con.execute(sql).fetchall() if _CYRILLIC_WORD.match(str(t))]

    # ORDER BY: a parallel scan returns rows in no fixed order, and the draws must not depend on it.
    surnames = rows(
        f"SELECT text, count FROM read_parquet('{data / 'surnames.parquet'}') WHERE gender = 'm' ORDER BY text, count"
    )
    others = [
        (t, c)
        for t, c in rows(
            f"SELECT text, count FROM read_parquet('{data / 'surnames.parquet'}') "
            "WHERE gender IS NULL OR gender = 'u' ORDER BY text, count"
        )
        if not _FEMININE.search(t)
    ]
    midnames = con.execute(
        f"SELECT text, count, fname FROM read_parquet('{data / 'midnames.parquet'}') WHERE gender = 'm' "
        "ORDER BY text, count, fname"
    ).fetchall()
    fathers = {str(f) for _, _, f in midnames if f}
    # A given name must also be some father's name in the patronymic list: that drops the truncations and typos the
    # raw name counts hold ("Александ").
    givens = [
        (t, c)
        for t, c in rows(
            f"SELECT text, count FROM read_parquet('{data / 'names.parquet'}') WHERE gender = 'm' ORDER BY text, count"
        )
        if t in fathers and c >= 30
    ]
    patronymics = [(str(t), int(c)) for t, c, _ in midnames if _CYRILLIC_WORD.match(str(t)) and int(c) >= 30]
    return surnames, others, givens, patronymics


_FOLD = str.maketrans({"і": "и", "ї": "и", "є": "е", "ё": "е", "ы": "и", "й": "и", "ь": None, "ъ": None, "'": None})


def _folded(name: str) -> str:
    """A crude spelling-independent form of a Cyrillic name (generator-side, independent of the engine)."""
    return name.lower().translate(_FOLD)


@cache
def _dev_surnames() -> tuple[frozenset[str], frozenset[str]]:
    """The development registry's surnames: folded Cyrillic forms and lower-case Latin forms."""
    path = DEV_DATA / "registry.csv"
    if not path.exists():
        return frozenset(), frozenset()
    surnames = [r.surname for _, r in load_registry(path) if r.surname]
    cyrillic = frozenset(_folded(s) for s in surnames if re.search(r"[а-яёіїєґ]", s.lower()))
    latin = frozenset(s.lower() for s in surnames if not re.search(r"[а-яёіїєґ]", s.lower()))
    return cyrillic, latin


def _in_dev_registry(surname: str) -> bool:
    """True when the development registry holds this surname, in Russian, Ukrainian or registry-style Latin."""
    cyrillic, latin = _dev_surnames()
    if _folded(surname) in cyrillic:
        return True
    schemes = _schemes()
    renderings = [schemes[f"latin_{s.lower()}"](surname) for s in _REGISTRY_RU_SCHEMES]
    ukrainian_forms = _ukrainian_forms()["last"].get(surname.replace("ё", "е"), ())
    renderings += [schemes["latin_ua_kmu"](form) for form in ukrainian_forms]
    return any(r.lower() in latin for r in renderings) or any(_folded(f) in cyrillic for f in ukrainian_forms)


@cache
def _ukrainian_forms() -> dict[str, dict[str, tuple[str, ...]]]:
    """names-translator's uk→ru dictionaries read backwards: Russian name → the Ukrainian spellings seen for it."""
    from names_translator.dicts import default_dicts

    dicts = default_dicts()
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for pool in ("first", "patronymic", "last"):
        inverse: defaultdict[str, list[str]] = defaultdict(list)
        for ukrainian, russians in dicts.as_dict(pool).items():
            for russian in russians[:2]:
                inverse[russian.replace("ё", "е").replace("Ё", "Е")].append(ukrainian)
        out[pool] = {k: tuple(sorted(v)) for k, v in inverse.items()}
    return out


@cache
def _schemes() -> dict[str, Callable[[str], str]]:
    """Every Latin scheme on offer: label → function from Cyrillic text to Latin."""
    import iuliia
    import translitua

    out: dict[str, Callable[[str], str]] = {}
    for name in dir(iuliia):
        schema = getattr(iuliia, name)
        if name.isupper() and hasattr(schema, "translate"):
            out[f"latin_{name.lower()}"] = schema.translate
    for table in translitua.ALL_RUSSIAN:
        out[f"latin_ru_{_snake(table.__name__.removeprefix('Russian'))}"] = _translitua(table)
    for table in translitua.ALL_UKRAINIAN:
        out[f"latin_ua_{_snake(table.__name__.removeprefix('Ukrainian'))}"] = _translitua(table)
    return out


def _translitua(table: object) -> Callable[[str], str]:
    import translitua

    return lambda text: str(translitua.translit(text, table))


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@cache
def _petrovich() -> object:
    from petrovich.main import Petrovich

    return Petrovich()


def decline(surname: str, given: str, patronymic: str | None, case: str) -> tuple[str, str, str | None]:
    """The three names in a grammatical case, as `petrovich` declines them (its mistakes included)."""
    from petrovich.enums import Case, Gender

    p = _petrovich()
    number = getattr(Case, case.upper())
    return (
        p.lastname(surname, number, Gender.MALE),  # type: ignore[attr-defined]
        p.firstname(given, number, Gender.MALE),  # type: ignore[attr-defined]
        p.middlename(patronymic, number, Gender.MALE) if patronymic else None,  # type: ignore[attr-defined]
    )


# ---------------------------------------------------------------------------------------------------------------------
# Spellings
# ---------------------------------------------------------------------------------------------------------------------


def transcribe_ukrainian(name: str, rng: random.Random) -> str:
    """Write a Russian spelling with Ukrainian letters, letter by letter (Андрей → Андрєй, Никитин → Нікітін)."""
    out: list[str] = []
    lower = name.lower()
    for i, ch in enumerate(lower):
        prev = lower[i - 1] if i else ""
        if ch == "е":
            after_vowel = not prev or prev in _UA_VOWELS
            mapped = "є" if after_vowel or rng.random() < 0.5 else "е"
        elif ch == "ё":
            mapped = "йо" if not prev or prev in _UA_VOWELS else "ьо"
        elif ch == "и" and prev in _UA_VOWELS and prev:
            mapped = "ї"
        else:
            mapped = _UA_TRANSCRIBE.get(ch, ch)
        out.append(mapped)
    text = "".join(out)
    return text[:1].upper() + text[1:]


def ukrainian(name: str, pool: str, rng: random.Random) -> str:
    """A Ukrainian spelling of a Russian name: a dictionary form when names-translator knows one, else transcribed."""
    forms = _ukrainian_forms()[pool].get(name.replace("ё", "е"))
    if forms and rng.random() < 0.8:
        form = rng.choice(forms)
        return "-".join(part[:1].upper() + part[1:] for part in form.split("-"))
    return transcribe_ukrainian(name, rng)


def _yo_as_ye(name: str, rng: random.Random) -> str:
    return name.replace("ё", "е").replace("Ё", "Е") if rng.random() < 0.6 else name


def typo(text: str, rng: random.Random) -> str:
    """One keyboard-level error: a letter dropped, doubled, replaced, inserted, or two letters swapped."""
    if len(text) < 4:
        return text
    letters = _CYR_LETTERS if re.search(r"[а-яёіїєґ]", text.lower()) else _LAT_LETTERS
    i = rng.randrange(2, len(text) - 1)  # the first letter is rarely mistyped
    op = rng.choice(("drop", "double", "replace", "insert", "swap"))
    if op == "drop":
        return text[:i] + text[i + 1 :]
    if op == "double":
        return text[:i] + text[i] + text[i:]
    if op == "replace":
        return text[:i] + rng.choice(letters.replace(text[i].lower(), "")) + text[i + 1 :]
    if op == "insert":
        return text[:i] + rng.choice(letters) + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def surname_type(surname: str) -> str:
    """Facet for the breakdown: the surname's morphological type."""
    s = surname.lower()
    for suffix, label in (
        ("енко", "enko"),
        ("ский", "sky"),
        ("цкий", "sky"),
        ("ской", "oi"),
        ("ой", "oi"),
        ("ых", "ih"),
        ("их", "ih"),
        ("ук", "uk"),
        ("юк", "uk"),
        ("ов", "ov"),
        ("ев", "ov"),
        ("ёв", "ov"),
        ("ин", "in"),
        ("ын", "in"),
        ("ий", "ii"),
        ("ый", "ii"),
        ("о", "o"),
        ("ь", "soft"),
    ):
        if s.endswith(suffix):
            return label
    return "consonant" if s[-1:] not in "аяеиоуыэюё" else "vowel"


# ---------------------------------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------------------------------


class _Generator:
    def __init__(self, rng: random.Random, *, only: str | None, flat: bool, any_scheme: bool) -> None:
        self.rng = rng
        self.only = only
        surnames, others, givens, patronymics = _russiannames()
        self.surnames = _pool([(s, 1 if flat else c) for s, c in surnames])
        self.other_surnames = _pool([(s, 1 if flat else c) for s, c in others])
        self.givens = _pool(givens)
        self.patronymics = _pool(patronymics)
        schemes = _schemes()
        self.query_schemes = sorted(schemes)
        self.schemes = schemes
        self.registry_ru = [f"latin_{s.lower()}" for s in _REGISTRY_RU_SCHEMES] + [
            f"latin_ru_{_snake(t.removeprefix('Russian'))}" for t in _REGISTRY_RU_TABLES
        ]
        self.registry_ua = [f"latin_ua_{_snake(t.removeprefix('Ukrainian'))}" for t in _REGISTRY_UA_TABLES]
        if any_scheme:
            self.registry_ru = [label for label in self.query_schemes if not label.startswith("latin_ua_")]
            self.registry_ua = [label for label in self.query_schemes if label.startswith("latin_ua_")]
        self.serials: set[str] = set()

    def person(self) -> Person:
        rng = self.rng
        dob = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 41 * 365))
        while True:
            serial = rng.choice(_SN_LETTERS) + rng.choice(_SN_LETTERS) + f"{rng.randrange(100000, 1000000)}"
            if serial not in self.serials:
                self.serials.add(serial)
                break
        surnames = self.other_surnames if rng.random() < _UNGENDERED_SHARE else self.surnames
        return Person(self._new_surname(surnames), self.givens.draw(rng), self.patronymics.draw(rng), dob, serial)

    def _new_surname(self, pool: _Pool) -> str:
        """A surname the development registry does not hold in any spelling (drawn again until one is found)."""
        while True:
            surname = pool.draw(self.rng)
            if not _in_dev_registry(surname):
                return surname

    def namesake(self, other: Person) -> Person:
        """Another man with the same surname and given name (different father, different birth date)."""
        fresh = self.person()
        return replace(fresh, surname=other.surname, given=other.given)

    # registry ------------------------------------------------------------------------------------------------------

    def record(self, person: Person) -> tuple[PersonRecord, str]:
        rng = self.rng
        form = rng.choices([f for f, _ in _FORM_WEIGHTS], weights=[w for _, w in _FORM_WEIGHTS], k=1)[0]
        surname, given, patronymic = person.surname, person.given, person.patronymic
        if form == "ru":
            surname, given, patronymic = (_yo_as_ye(n, rng) for n in (surname, given, patronymic))
        elif form == "latin_ru":
            scheme = self.schemes[rng.choice(self.registry_ru)]
            surname, given, patronymic = (scheme(n) for n in (surname, given, patronymic))
        else:
            surname = ukrainian(surname, "last", rng)
            given = ukrainian(given, "first", rng)
            patronymic = ukrainian(patronymic, "patronymic", rng)
            if form == "latin_ua":
                scheme = self.schemes[rng.choice(self.registry_ua)]
                surname, given, patronymic = (scheme(n) for n in (surname, given, patronymic))
        dob = person.dob.isoformat() if rng.random() > 0.04 else str(person.dob.year)
        serial = person.service_number
        service_number = f"{serial[:2]}-{serial[2:]}" if rng.random() < 0.7 else serial.translate(_TO_LATIN_LOOKALIKE)
        record = PersonRecord(
            surname=surname,
            given_name=given,
            patronymic=None if rng.random() < 0.1 else patronymic,
            date_of_birth=dob,
            service_number=service_number,
            military_unit=f"в/ч {rng.randrange(10000, 99999)}",
        )
        return record, form

    # queries -------------------------------------------------------------------------------------------------------

    def query(self, person: Person, *, namesake: bool) -> tuple[LookupQuery, tuple[str, ...]]:
        rng = self.rng
        primary = self.only or _weighted(rng, _VARIATIONS)
        kinds = [primary]
        if self.only is None and rng.random() < 0.4:
            extra = _weighted(rng, _SECONDARY)
            if extra not in kinds and not (extra == "nickname" and primary in ("latin", "declined", "ukrainian")):
                kinds.append(extra)
        surname, given = person.surname, person.given
        patronymic: str | None = person.patronymic
        dob: str | None = _write_date(person.dob, rng)
        labels: list[str] = []
        full_name = rng.random() < 0.35
        order = ("s", "g", "p")

        if "dob" in kinds:
            dob_kind = rng.choice(_DOB_KINDS)
            if namesake and dob_kind == "dob_missing" and "no_patronymic" in kinds:
                dob_kind = "dob_year"
            dob = _vary_date(person.dob, dob_kind, rng)
            labels.append(dob_kind)
        if "no_patronymic" in kinds:
            patronymic = None
            labels.append("no_patronymic")
        if "nickname" in kinds:
            options = NICKNAMES.get(given) or NICKNAMES.get(given.replace("ё", "е"))
            if options:
                given = rng.choice(options)
                labels.append("nickname")
                labels.append(f"nick:{'listed' if _engine_knows(given, person.given) else 'unlisted'}")
        if "nickname_coined" in kinds:
            given = _coin_nickname(given, rng)
            labels.append("nickname_coined")
            labels.append(f"nick:{'listed' if _engine_knows(given, person.given) else 'unlisted'}")
        if "typo" in kinds:
            if rng.random() < 0.75:
                surname = typo(surname, rng)
            else:
                given = typo(given, rng)
            labels.append("typo")
        if primary == "ukrainian":
            surname = ukrainian(surname, "last", rng)
            given = ukrainian(given, "first", rng)
            patronymic = ukrainian(patronymic, "patronymic", rng) if patronymic else None
            labels.append("ukrainian")
        if primary == "declined":
            case = rng.choice(_CASES)
            surname, given, patronymic = decline(surname, given, patronymic, case)
            full_name = rng.random() < 0.8
            labels.append(f"declined_{case}")
        if primary == "order":
            full_name = True
            order = rng.choice((("g", "p", "s"), ("g", "s", "p"), ("g", "s"), ("s", "p", "g")))
            labels.append("order")
        if primary == "latin":
            label = rng.choice(self.query_schemes)
            if label.startswith("latin_ua_"):
                surname = ukrainian(surname, "last", rng)
                given = given if "nickname" in kinds else ukrainian(given, "first", rng)
                patronymic = ukrainian(patronymic, "patronymic", rng) if patronymic else None
            scheme = self.schemes[label]
            surname, given = scheme(surname), scheme(given)
            patronymic = scheme(patronymic) if patronymic else None
            labels.append(label)
        if primary == "plain":
            labels.append("plain")
        if primary == "service_number":
            serial = person.service_number
            if namesake:
                serial = serial[:2] + f"{rng.randrange(100000, 1000000)}"
            sn = rng.choice((f"{serial[:2]} {serial[2:]}", f"{serial[:2].lower()}-{serial[2:]}", serial))
            labels.append("service_number")
            fields = {"surname": surname} if rng.random() < 0.7 else {"full_name": surname}
            return LookupQuery(**fields, service_number=sn), tuple(labels)

        if full_name:
            parts = {"s": surname, "g": given, "p": patronymic}
            text = " ".join(p for p in (parts[k] for k in order) if p)
            return LookupQuery(full_name=text, date_of_birth=dob), tuple(labels)
        return LookupQuery(surname=surname, given_name=given, patronymic=patronymic, date_of_birth=dob), tuple(labels)


_COINING_SUFFIXES = ("уля", "уся", "юша", "ик", "ёк", "ян", "ка", "ша", "ня")


def _coin_nickname(given: str, rng: random.Random) -> str:
    """A familiar form no dictionary lists, made the way Russian ones are: a head of the name and a suffix (Серуля,
    Никуся, Вадик). It stands for the family's own pet name, which no table can know."""
    head = given[: rng.choice((2, 3, 3, 4))].rstrip("ьй")
    if head[-1:] in "аеёиоуыэюя" and len(head) > 2:
        head = head[:-1]
    return head + rng.choice(_COINING_SUFFIXES)


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options], k=1)[0]


def _write_date(value: date, rng: random.Random) -> str:
    return value.isoformat() if rng.random() < 0.7 else value.strftime("%d.%m.%Y")


def _vary_date(value: date, kind: str, rng: random.Random) -> str | None:
    if kind == "dob_missing":
        return None
    if kind == "dob_year":
        return str(value.year)
    if kind == "dob_year_month":
        return f"{value.year}-{value.month:02d}" if rng.random() < 0.6 else f"{value.month:02d}.{value.year}"
    if kind == "dob_swap":
        if value.day <= 12 and value.day != value.month:
            return f"{value.year}-{value.day:02d}-{value.month:02d}"
        return _write_date(value, rng)
    shifted = value.year + rng.choice((-1, 1))
    if rng.random() < 0.5:
        return str(shifted)
    try:
        return _write_date(value.replace(year=shifted), rng)
    except ValueError:
        return str(shifted)


@cache
def _engine_knows(nickname: str, canonical: str) -> bool:
    from app.matching.names import given_ids

    return bool(set(given_ids(nickname)) & set(given_ids(canonical))) and not given_ids(nickname)[0].startswith("~")


def generate(
    registry_size: int = 2000,
    query_count: int = 600,
    seed: int = SEED,
    *,
    absent_share: float = 0.13,
    only: str | None = None,
    flat: bool = False,
    any_scheme: bool = False,
) -> StressSet:
    """Draw a registry of `registry_size` men and `query_count` labelled lookups; deterministic for a seed.

    `only` forces one variation kind on every query (diagnostics: `latin`, `declined`, `nickname`, `typo` …);
    `flat` draws surnames uniformly from the list instead of by frequency, which brings out the rare surname types;
    `any_scheme` writes Latin registry rows under any scheme at all, not only the ones officials use.
    """
    rng = random.Random(seed)
    gen = _Generator(rng, only=only, flat=flat, any_scheme=any_scheme)
    people: list[Person] = []
    registry: list[tuple[str, PersonRecord]] = []
    forms: dict[str, str] = {}
    for index in range(registry_size):
        person = gen.person()
        record, form = gen.record(person)
        people.append(person)
        registry.append((f"S{index:07d}", record))
        forms[f"S{index:07d}"] = form
    known = {(p.surname, p.given, p.patronymic) for p in people}
    queries: list[tuple[str, LookupQuery]] = []
    labels: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for index in range(query_count):
        qid = f"q{index:06d}"
        if rng.random() < absent_share:
            if rng.random() < 0.35:
                person = gen.namesake(rng.choice(people))
                facet = "absent:namesake"
            else:
                person = gen.person()
                facet = "absent:fresh"
            while (person.surname, person.given, person.patronymic) in known:
                person = replace(person, patronymic=gen.patronymics.draw(rng))
            query, kinds = gen.query(person, namesake=True)
            labels[qid] = (None, (*kinds, facet))
        else:
            target = rng.randrange(registry_size)
            person = people[target]
            rid = registry[target][0]
            query, kinds = gen.query(person, namesake=False)
            labels[qid] = (rid, (*kinds, f"rec:{forms[rid]}", f"sur:{surname_type(person.surname)}"))
        queries.append((qid, query))
    return StressSet(registry, queries, labels, dict(zip((rid for rid, _ in registry), people, strict=True)))


def run(
    registry_size: int,
    query_count: int,
    seed: int,
    *,
    only: str | None = None,
    flat: bool = False,
    any_scheme: bool = False,
    absent_share: float = 0.13,
) -> Report:
    """Generate a set and measure the engine on it."""
    started = time.perf_counter()
    stress = generate(
        registry_size, query_count, seed, only=only, flat=flat, any_scheme=any_scheme, absent_share=absent_share
    )
    generated = time.perf_counter() - started
    report = evaluate_sets(stress.registry, stress.queries, stress.labels)
    print(f"generated {registry_size} persons and {query_count} queries in {generated:.1f} s (seed {seed})")
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: `python -m tests.matching.stress --registry 30000 --queries 3000`."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", choices=[v for v, _ in _VARIATIONS], help="force one variation kind on every query")
    parser.add_argument("--flat", action="store_true", help="draw surnames uniformly (rare surname types)")
    parser.add_argument("--any-scheme", action="store_true", help="Latin registry rows under any scheme at all")
    parser.add_argument("--absent", type=float, default=0.13, help="share of queries for persons not in the registry")
    parser.add_argument("--misses", action="store_true", help="list the queries whose person is not ranked first")
    args = parser.parse_args(argv)
    report = run(
        args.registry,
        args.queries,
        args.seed,
        only=args.only,
        flat=args.flat,
        any_scheme=args.any_scheme,
        absent_share=args.absent,
    )
    print(report.render())
    if args.misses:
        print("\n".join(report.misses))


if __name__ == "__main__":
    main(sys.argv[1:])
