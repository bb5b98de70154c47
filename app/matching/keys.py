"""Retrieval keys (stored per registry person, probed per query) and frequency keys (counted registry-wide).

Retrieval is `SELECT person_id, count(*) … WHERE key IN (:query keys) GROUP BY person_id ORDER BY count(*) DESC
LIMIT N`, so a key must be (1) *selective*: at a 1,000,000-person registry no key may stand for more than a few
hundred persons, hence every key combines two facts; and (2) *robust*: the true person must share at least one key
with any reasonable query, even when the surname is misspelt, the given name is a nickname, the patronymic or the
day of birth is missing, or day and month are swapped. Keys are built on consonant skeletons and canonical name ids
(see `translit`, `names`), so transliterations, Ukrainian spellings and most case endings fall into the same key.

Key kinds (S = surname consonant skeleton, G = given-name canonical id, P = father's-name id of the patronymic,
Y = birth year, D = full birth date):

| kind | content | finds the person when … |
|---|---|---|
| `sg:` | S·G | surname and given name agree (no date, no patronymic); a query also probes its S with one consonant
  deleted, for a surname typed with one consonant too many |
| `sy:` | S·Y | given name is an unknown nickname or misspelt (a query with only a year probes Y±1) |
| `sd:` | S·D | as above, full date; swapped and ±1-year dates are probed |
| `sp:` | S·P | given name unknown and no date |
| `gp:` | G·P·Y | surname misspelt (±1 year probed) |
| `gd:` | G·D | surname misspelt and no patronymic (swapped / ±1-year dates probed) |
| `pd:` | P·D | surname misspelt *and* given name unknown (a pet name no table lists); swapped / ±1-year dates probed |
| `xd:` | S with one consonant deleted·G | surname misspelt by one consonant, nothing else known (the "symmetric
  deletion" scheme: a record stores its deletions, a query probes its own skeleton and its deletions, so one
  substitution, insertion or deletion on either side still shares a key) |
| `sn:` | service number | the number alone identifies the person |
| `si:` | S·first letter of the given name | the inquiry gives the given name as an initial ("Иванов А.С.") |
| `di:` | D·first letter of the given name | the surname is garbled beyond one edit (two typos, OCR) but the date
  and the given name's initial hold; probed by every query with a full date and a given name or initial |
| `ui:` | military unit number·first consonant of S | only a surname and a unit are known ("Никитин в/ч 73706") |
| `uy:` | military unit number·Y | unit and birth year known, the surname garbled (a scanned list) |
| `s:`  | S | last resort, probed only when the query holds nothing to combine S with |

Records emit every kind they have data for (about thirteen keys). Queries emit the kinds they can build, over all
readings and nominative hypotheses; the count of shared keys ranks candidates before scoring.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from app.matching.dates import AgeRange, PartialDate
from app.matching.model import LookupQuery, PersonRecord
from app.matching.parse import NameField, ParsedPerson, initial_of, parse_query, parse_record

KEY_SCHEME = 1
"""The version of the key scheme below. Bump it with any change to the keys a record or a query gets: a registry
stamped with an older scheme then refuses lookups until `liaison registry rekey` rebuilt its keys."""

_MAX_KEY = 64


def _surnames(field: NameField | None) -> list[str]:
    if field is None:
        return []
    out: list[str] = []
    for f in field.forms:
        if f.consonants and f.consonants not in out:
            out.append(f.consonants)
    return out


@lru_cache(maxsize=200_000)
def _deletions(skeleton: str) -> frozenset[str]:
    """The skeleton with each one of its letters left out."""
    return frozenset(skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton)))


def _initials(field: NameField | None) -> tuple[str, ...]:
    """First letters a given name can be abbreviated to: its own, and its canonical name's (Олександр: о and а)."""
    if field is None:
        return ()
    own = initial_of(field)
    found = [own] if own else []
    found += [i[0] for i in field.ids if not i.startswith("~") and i[0] not in found]
    return tuple(found)


def _unknown(field: NameField) -> bool:
    """A given name the table does not know (a pseudo-id only): the surname and its initial may find him."""
    return all(i.startswith("~") for i in field.ids)


def _ids(field: NameField | None) -> tuple[str, ...]:
    return field.ids if field is not None else ()


def _record_dates(dob: PartialDate | AgeRange | None) -> tuple[list[int], list[str]]:
    if dob is None or isinstance(dob, AgeRange):
        return [], []
    return [dob.year], [dob.iso()] if dob.is_full else []


def _query_dates(dob: PartialDate | AgeRange | None) -> tuple[list[int], list[int], list[str]]:
    """(years for `sy`, year ±1 band for `gp`, full-date variants: as given, day/month swapped, year ±1)."""
    if dob is None:
        return [], [], []
    if isinstance(dob, AgeRange):
        # An age gives a window of one or two birth years; ages are counted loosely, so one more on each side.
        years = list(range(dob.years[0] - 1, dob.years[-1] + 2))
        return years, years, []
    years = [dob.year - 1, dob.year, dob.year + 1]
    if not dob.is_full or dob.month is None or dob.day is None:
        # A year (or year-month) alone may be off by one; a full date's ±1-year variants are probed as `sd` instead.
        return years, years, []
    variants = [PartialDate(y, dob.month, dob.day) for y in years]
    if dob.day != dob.month and dob.day <= 12:
        variants.append(PartialDate(dob.year, dob.day, dob.month))
    return [dob.year], years, [v.iso() for v in variants]


def _emit(
    person: ParsedPerson,
    years: Iterable[int],
    year_band: Iterable[int],
    dates: Iterable[str],
    *,
    is_query: bool,
) -> set[str]:
    keys: set[str] = set()
    surnames = _surnames(person.surname)
    givens = _ids(person.given)
    if is_query and person.given is not None:
        givens = givens + person.given.near_ids
    fathers = _ids(person.patronymic)
    years = list(years)
    year_band = list(year_band)
    dates = list(dates)
    initials = _initials(person.given)
    if person.given is not None and (not is_query or person.given.initial or _unknown(person.given)):
        keys.update(f"si:{s}|{i}" for s in surnames for i in initials)
    keys.update(f"di:{d}|{i}" for d in dates for i in initials)
    if person.unit and surnames:
        keys.update(f"ui:{person.unit}|{s[:1]}" for s in surnames)
    if person.unit:
        keys.update(f"uy:{person.unit}|{y}" for y in years)
    for s in surnames:
        for g in givens:
            keys.add(f"sg:{s}|{g}")
            if len(s) >= 2:
                keys.update(f"xd:{d}|{g}" for d in _deletions(s))
            if is_query:
                keys.add(f"xd:{s}|{g}")
                if len(s) >= 3:
                    # The query may carry one consonant too many (Гореглов for Горелов): its deletions can be the
                    # record's own skeleton.
                    keys.update(f"sg:{d}|{g}" for d in _deletions(s))
        keys.update(f"sy:{s}|{y}" for y in years)
        keys.update(f"sd:{s}|{d}" for d in dates)
        keys.update(f"sp:{s}|{p}" for p in fathers)
        if not is_query or not (givens or years or fathers or initials):
            keys.add(f"s:{s}")
    for g in givens:
        for p in fathers:
            keys.update(f"gp:{g}|{p}|{y}" for y in year_band)
        keys.update(f"gd:{g}|{d}" for d in dates)
    for p in fathers:
        keys.update(f"pd:{p}|{d}" for d in dates)
    if person.service_number:
        keys.add(f"sn:{person.service_number}")
    return {k[:_MAX_KEY] for k in keys}


def record_keys(record: PersonRecord) -> set[str]:
    """Retrieval keys to store for one registry person (each ≤ 64 chars, prefixed by its kind)."""
    person = parse_record(record)
    years, dates = _record_dates(person.dob)
    return _emit(person, years, years, dates, is_query=False)


def query_keys(query: LookupQuery) -> set[str]:
    """Keys to probe for a query: every kind a record could share with it, over all readings of the query."""
    keys: set[str] = set()
    for person in parse_query(query):
        years, band, dates = _query_dates(person.dob)
        keys |= _emit(person, years, band, dates, is_query=True)
    return keys


def _frequency(person: ParsedPerson) -> set[str]:
    keys: set[str] = set()
    if person.surname is not None:
        keys.update(f"fs:{f.vowels}" for f in person.surname.forms if f.vowels)
    keys.update(f"fg:{g}" for g in _ids(person.given))
    keys.update(f"fp:{p}" for p in _ids(person.patronymic))
    if person.unit:
        keys.add(f"fu:{person.unit}")
    return {k[:_MAX_KEY] for k in keys}


def frequency_keys(record: PersonRecord) -> set[str]:
    """Keys whose registry-wide counts the scorer needs: surname vowel skeleton, given id, father's-name id."""
    return _frequency(parse_record(record))


def query_frequency_keys(query: LookupQuery) -> set[str]:
    """Frequency keys to fetch for a query (over all its readings); pass their counts to `score`."""
    keys: set[str] = set()
    for person in parse_query(query):
        keys |= _frequency(person)
    return keys
