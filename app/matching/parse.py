"""From raw records and queries to parsed persons: name forms with skeletons, dates, service numbers.

A registry record parses to exactly one `ParsedPerson` (its names are nominative and already split). A query may
parse to several readings: a free-text `full_name` has no fixed order, so each plausible assignment of tokens to
surname / given name / patronymic is kept, ranked, with a log-penalty for the less likely ones; every name field of
a query also carries nominative hypotheses for declined forms ("Иванова Сергея" → Иванов, Сергей).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from app.matching.dates import PartialDate, parse_date
from app.matching.model import LookupQuery, PersonRecord
from app.matching.morph import (
    NO_HINTS,
    Hints,
    Role,
    as_latin,
    is_dictionary_given_name,
    latin_hints,
    latin_readings,
    nominative_forms,
    query_forms,
)
from app.matching.names import (
    father_id,
    given_ids,
    is_known_given_name,
    looks_like_patronymic,
    looks_like_surname,
    near_given_ids,
)
from app.matching.normalize import blank_to_none, clean_token, split_tokens
from app.matching.translit import consonant_skeleton, vowel_skeleton

_SKELETON_MAX = 24


@dataclass(frozen=True, slots=True)
class NameForm:
    """One reading of a name field: the cleaned form, its skeletons, and whether it came from de-declension."""

    form: str
    vowels: str
    consonants: str
    declined: bool


@dataclass(frozen=True, slots=True)
class NameField:
    """A name as given (`original`) and its readings (`forms`, the original first)."""

    original: str
    forms: tuple[NameForm, ...]
    ids: tuple[str, ...]  # given-name canonical ids or patronymic father ids over all forms; () for surnames
    near_ids: tuple[str, ...] = ()  # query given names the table lacks: ids of table names one typo away (keys only)


@dataclass(frozen=True, slots=True)
class ParsedPerson:
    """A record or one reading of a query, ready for keys and scoring."""

    surname: NameField | None
    given: NameField | None
    patronymic: NameField | None
    dob: PartialDate | None
    service_number: str | None
    place: str | None
    unit: str | None
    reading: str  # how the names were read, for the explanation ("fields", "full name: surname given …")
    log_penalty: float  # 0 for the primary reading, negative for less likely token assignments


_LOOKALIKES = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
_SN_DROP = re.compile(r"[^0-9A-ZА-ЯЁІЇЄҐ]")


def normalize_service_number(value: str | None) -> str | None:
    """Upper-case, Cyrillic look-alike letters as Latin (А/A В/B Е/E К/K М/M Н/H О/O Р/P С/C Т/T Х/X), no separators."""
    if not value:
        return None
    cleaned = _SN_DROP.sub("", value.upper().translate(_LOOKALIKES))
    return cleaned or None


def _form(text: str, declined: bool) -> NameForm:
    vowels = vowel_skeleton(text)[:_SKELETON_MAX]
    return NameForm(text, vowels, consonant_skeleton(text)[:_SKELETON_MAX], declined)


def _field_ids(role: Role, forms: tuple[NameForm, ...]) -> tuple[str, ...]:
    ids: list[str] = []
    for f in forms:
        found: tuple[str, ...]
        if role == "given":
            found = given_ids(f.form)
        elif role == "patronymic":
            fid = father_id(f.form)
            found = (fid,) if fid else ()
        else:
            found = ()
        ids.extend(i for i in found if i not in ids)
    return tuple(ids)


@lru_cache(maxsize=300_000)
def record_field(text: str | None, role: Role, hints: Hints = NO_HINTS) -> NameField | None:
    """A registry name field: the nominative as written, no morphology (fast path of `record_keys`).

    A Latin spelling also gets the other readings its letters allow (`morph.latin_readings`): a list written in
    GOST 7.79-B (Mixail), the 2004 passport variant (Yevdocym) or French (Chevtchenko) is then found too.
    """
    if not text:
        return None
    cleaned = clean_token(text)
    if not vowel_skeleton(cleaned):
        return None
    forms = [_form(cleaned, False)]
    latin = as_latin(cleaned) if _LATIN_LETTER.search(cleaned) else None
    if latin is not None:
        for reading in latin_readings(latin, hints):
            form = _form(reading, False)
            if form.vowels and all(f.vowels != form.vowels for f in forms):
                forms.append(form)
    frozen = tuple(forms)
    ids = _field_ids(role, frozen)
    # When a Latin reading lands on a table name (Mixail read as Mikhail), the pseudo-id of the other reading
    # (~mksl) names nobody and would only add stored keys.
    known = tuple(i for i in ids if not i.startswith("~"))
    return NameField(text.strip(), frozen, known or ids)


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _record_hints(names: tuple[str | None, str | None, str | None]) -> Hints:
    for name in names:
        if name and _LATIN_LETTER.search(name):
            return latin_hints([n for n in names if n], strict=True)
    return NO_HINTS


@lru_cache(maxsize=50_000)
def query_field(text: str | None, role: Role, hints: Hints = NO_HINTS) -> NameField | None:
    """A query name field with nominative hypotheses for declined forms and other readings of Latin letters."""
    if not text:
        return None
    forms = tuple(_form(f, declined) for f, declined in query_forms(text, role, hints) if vowel_skeleton(f))
    if not forms:
        return None
    ids = _field_ids(role, forms)
    near: tuple[str, ...] = ()
    if role == "given" and all(i.startswith("~") for i in ids):
        near = tuple(i for i in near_given_ids(forms[0].form) if i not in ids)
    return NameField(text.strip(), forms, ids, near)


@lru_cache(maxsize=300_000)
def parse_record(record: PersonRecord) -> ParsedPerson:
    """Parse one registry record (cached: records are immutable and scored many times)."""
    surname = blank_to_none(record.surname)
    given = blank_to_none(record.given_name)
    patronymic = blank_to_none(record.patronymic)
    hints = _record_hints((surname, given, patronymic))
    return ParsedPerson(
        surname=record_field(surname, "surname", hints),
        given=record_field(given, "given", hints),
        patronymic=record_field(patronymic, "patronymic", hints),
        dob=parse_date(record.date_of_birth),
        service_number=normalize_service_number(record.service_number),
        place=blank_to_none(record.place_of_birth),
        unit=blank_to_none(record.military_unit),
        reading="record",
        log_penalty=0.0,
    )


_DATE_TOKEN = re.compile(r"^\d{1,4}([-./]\d{1,2}([-./]\d{2,4})?)?$")


def _given_evidence(token: str) -> int:
    forms = nominative_forms(token, "given")
    known = any(is_known_given_name(f) for f in forms) or any(is_dictionary_given_name(f) for f in forms[:2])
    score = 2 if known else 0
    if looks_like_surname(token):
        score -= 1
    return score


_Reading = tuple[str | None, str | None, str | None, str, float]
_LN_OTHER_PATRONYMIC = math.log(0.3)


def _split_full_name(full_name: str) -> tuple[list[_Reading], str | None]:
    """Candidate (surname, given, patronymic, description, log-penalty) assignments, and a date found in the text."""
    tokens = split_tokens(full_name)
    date_text = next((t for t in tokens if _DATE_TOKEN.match(t)), None)
    names = [t for t in tokens if not any(ch.isdigit() for ch in t)]
    if not names:
        return [], date_text
    if len(names) < 2:
        return _assign(names, None, len(names)), date_text
    # The patronymic is the last patronymic-looking token, unless an earlier one is built on a known name and it is
    # not ("Аркадий Александрович Саланович"). When two tokens look like patronymics ("Михаил Андреевич
    # Гаврилович"), the other choice is kept as a less likely reading: surnames in -ович/-евич are common.
    candidates = [i for i in range(len(names)) if looks_like_patronymic(names[i])]
    if not candidates:
        return _assign(names, None, len(names)), date_text
    known = [i for i in candidates if not (father_id(names[i]) or "~").startswith("~")]
    ordered = (known or candidates)[::-1] + [i for i in candidates[::-1] if i not in known]
    readings = _assign([t for i, t in enumerate(names) if i != ordered[0]], names[ordered[0]], ordered[0])
    if len(ordered) > 1:
        other = ordered[1]
        readings += [
            (*reading[:4], reading[4] + _LN_OTHER_PATRONYMIC)
            for reading in _assign([t for i, t in enumerate(names) if i != other], names[other], other)
        ]
    return readings, date_text


def _assign(names: list[str], patronymic: str | None, patronymic_at: int) -> list[_Reading]:
    """Readings of the tokens left once the patronymic (if any) is taken out."""
    readings: list[_Reading] = []
    if len(names) == 1:
        only = names[0]
        as_given = _given_evidence(only) > 0 and patronymic is not None
        first: _Reading = (None, only, patronymic, "full name: given name only", 0.0)
        second: _Reading = (only, None, patronymic, "full name: surname only", 0.0)
        readings = [first, second] if as_given else [second, first]
        readings[1] = (*readings[1][:4], math.log(0.3))
        if patronymic is not None:
            # Many surnames look like patronymics (Петрович, Кузьмич, Максимович): "Петрович Александр" may well be
            # surname and given name.
            readings.append((patronymic, only, None, "full name: surname in patronymic form", math.log(0.3)))
        return readings
    evidence = [_given_evidence(t) for t in names]
    # Ties go to the token just before the patronymic (both "Фамилия Имя Отчество" and "Имя Отчество Фамилия"
    # put the given name there), else to the first token ("Антон Казанцев" is how people say it).
    preferred = patronymic_at - 1 if patronymic is not None and patronymic_at > 0 else 0
    best = max(range(len(names)), key=lambda i: (evidence[i], i == preferred))
    rest = [t for i, t in enumerate(names) if i != best]
    surname = "".join(rest) if len(rest) > 1 else rest[0]
    confident = evidence[best] > max(e for i, e in enumerate(evidence) if i != best)
    readings.append((surname, names[best], patronymic, "full name: names recognised by their form", 0.0))
    if len(names) == 2:
        alternative_penalty = math.log(0.1 if confident else 0.6)
        readings.append(
            (names[best], rest[0], patronymic, "full name: surname and given name swapped", alternative_penalty)
        )
    return readings


@lru_cache(maxsize=20_000)
def parse_query(query: LookupQuery) -> tuple[ParsedPerson, ...]:
    """All readings of a query, most likely first; empty when it names nobody and gives no identifier."""
    dob_text = blank_to_none(query.date_of_birth)
    common = {
        "service_number": normalize_service_number(query.service_number),
        "place": blank_to_none(query.place_of_birth),
        "unit": blank_to_none(query.military_unit),
    }
    surname = blank_to_none(query.surname)
    given = blank_to_none(query.given_name)
    patronymic = blank_to_none(query.patronymic)
    full_name = blank_to_none(query.full_name)
    readings: list[tuple[str | None, str | None, str | None, str, float]]
    if surname or given or patronymic or not full_name:
        readings = [(surname, given, patronymic, "fields", 0.0)]
        hints = latin_hints(t for t in (surname, given, patronymic) if t)
    else:
        readings, date_text = _split_full_name(full_name)
        dob_text = dob_text or date_text
        hints = latin_hints(split_tokens(full_name))
    dob = parse_date(dob_text)
    parsed = tuple(
        ParsedPerson(
            surname=query_field(s, "surname", hints),
            given=query_field(g, "given", hints),
            patronymic=query_field(p, "patronymic", hints),
            dob=dob,
            reading=description,
            log_penalty=penalty,
            **common,
        )
        for s, g, p, description, penalty in readings
    )
    return tuple(p for p in parsed if p.surname or p.given or p.patronymic or p.service_number or p.dob)
