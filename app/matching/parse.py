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
from datetime import date
from functools import lru_cache

from app.matching.dates import AgeRange, PartialDate, age_range, parse_date
from app.matching.freetext import extract, unit_number
from app.matching.layout import looks_like_layout_slip
from app.matching.model import LookupQuery, PersonRecord
from app.matching.morph import (
    NO_HINTS,
    Hints,
    Role,
    as_latin,
    baltic_stem,
    has_baltic_ending,
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
    initial: str = ""  # an initial only ("А.", "S"): the first letter of the name's skeleton; no forms to compare


@dataclass(frozen=True, slots=True)
class ParsedPerson:
    """A record or one reading of a query, ready for keys and scoring."""

    surname: NameField | None
    given: NameField | None
    patronymic: NameField | None
    dob: PartialDate | AgeRange | None  # an inquiry may give an age instead of a date
    service_number: str | None
    place: str | None
    unit: str | None  # the unit's number when one can be read ("в/ч N 62753" → 62753), else as written
    reading: str  # how the names were read, for the explanation ("fields", "full name: surname given …")
    log_penalty: float  # 0 for the primary reading, negative for less likely token assignments
    notes: tuple[str, ...] = ()  # how the inquiry's free text was read (date in words, age, layout, unit …)


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
    if (letter := initial_letter(text)) is not None:
        return _initial_field(text, letter)
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
_INITIAL = re.compile(r"^\s*([^\W\d_])\s*\.?\s*$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.\s*){1,3}[^\W\d_]?\.?$")
_CAPITALS = re.compile(r"^[A-ZА-ЯЁІЇЄҐ]{2,3}$")


def initial_letter(text: str) -> str | None:
    """The skeleton letter of a name given as an initial ("А.", "S", "Ю." → "a", "s", "i"); None for a name."""
    m = _INITIAL.match(text)
    if m is None:
        return None
    skeleton = vowel_skeleton(m.group(1))
    return skeleton[:1] or None


def _initial_field(text: str, letter: str) -> NameField:
    return NameField(
        text.strip(), (NameForm(clean_token(text), letter, consonant_skeleton(text), False),), (), (), letter
    )


def initial_of(field: NameField) -> str | None:
    """The letter a full name field starts with on the skeleton (for initial keys and comparisons)."""
    if field.initial:
        return field.initial
    return field.forms[0].vowels[:1] or None


def _expand_initials(tokens: list[str], all_tokens: list[str]) -> list[str]:
    """ "А.С." → "А.", "С."; "ЯВ" → "Я.", "В." when the other words are not written in capitals."""
    out: list[str] = []
    mixed_case = any(t[:1].isupper() and any(ch.islower() for ch in t) for t in all_tokens)
    for token in tokens:
        if _INITIALS.match(token) and "." in token:
            out.extend(f"{letter}." for letter in re.findall(r"[^\W\d_]", token))
        elif mixed_case and _CAPITALS.match(token):
            out.extend(f"{letter}." for letter in token)
        else:
            out.append(token)
    return out


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
    if (letter := initial_letter(text)) is not None:
        return _initial_field(text, letter)
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
        unit=unit_number(record.military_unit) or blank_to_none(record.military_unit),
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
_LN_BY_POSITION = math.log(0.5)


def _split_full_name(full_name: str) -> tuple[list[_Reading], str | None]:
    """Candidate (surname, given, patronymic, description, log-penalty) assignments, and a date found in the text."""
    raw = split_tokens(full_name)
    date_text = next((t for t in raw if _DATE_TOKEN.match(t)), None)
    tokens = _expand_initials([t for t in raw if not any(ch.isdigit() for ch in t)], raw)
    initials = [t for t in tokens if initial_letter(t) is not None]
    names = [t for t in tokens if initial_letter(t) is None]
    if initials and 1 <= len(names) <= 2:
        return _with_initials(names, initials), date_text
    names = tokens
    if not names:
        return [], date_text
    if len(names) < 2:
        return _assign(names, None, len(names)), date_text
    # The patronymic is the last patronymic-looking token, unless an earlier one is built on a known name and it is
    # not ("Аркадий Александрович Саланович"). When two tokens look like patronymics ("Михаил Андреевич
    # Гаврилович"), the other choice is kept as a less likely reading: surnames in -ович/-евич are common.
    candidates = [i for i in range(len(names)) if looks_like_patronymic(names[i])]
    if not candidates:
        readings = _assign(names, None, len(names))
        if len(names) == 3:
            # Three words and none reads as a patronymic (a misspelt or scanned one: Ивановнч): the usual orders
            # "Фамилия Имя Отчество" and "Имя Отчество Фамилия" are kept as less likely readings.
            readings.append(
                (
                    names[0],
                    names[1],
                    names[2],
                    "full name: surname, given name, patronymic by position",
                    _LN_BY_POSITION,
                )
            )
            readings.append(
                (
                    names[2],
                    names[0],
                    names[1],
                    "full name: given name, patronymic, surname by position",
                    _LN_BY_POSITION + _LN_OTHER_PATRONYMIC,
                )
            )
        return readings, date_text
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


def _with_initials(names: list[str], initials: list[str]) -> list[_Reading]:
    """ "Иванов А.С.", "А. С. Иванов", "Иванов В.", "Иванов Сергей П.": the initials stand for the names not written."""
    if len(names) == 1:
        given = initials[0]
        patronymic = initials[1] if len(initials) > 1 else None
        return [(names[0], given, patronymic, "full name: surname and initials", 0.0)]
    # Two names and an initial: surname and given name in either order, the initial is the patronymic's.
    readings = _assign(names, None, len(names))
    return [(s, g, initials[0], f"{d}, patronymic as an initial", pen) for s, g, _p, d, pen in readings]


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


def _stated_on(query: LookupQuery) -> date:
    """The date the inquiry's age refers to: as given (ISO), else today."""
    if query.stated_on:
        try:
            return date.fromisoformat(query.stated_on.strip()[:10])
        except ValueError:
            pass
    return date.today()


def _name_evidence(token: str) -> int:
    cleaned = clean_token(token)
    if not cleaned:
        return 0
    if is_known_given_name(cleaned):
        return 2
    if looks_like_patronymic(cleaned) and not (father_id(cleaned) or "~").startswith("~"):
        return 2
    return 1 if looks_like_patronymic(cleaned) or looks_like_surname(cleaned) else 0


def _fix_words(words: list[str]) -> tuple[list[str], list[str]]:
    """Undo what keyboards and Baltic spellings do to the words of a name; (words, notes on what was read)."""
    notes: list[str] = []
    out = list(words)
    if any(has_baltic_ending(w) for w in out):
        for i, word in enumerate(out):
            if as_latin(word) is None:
                continue
            stem = baltic_stem(word)
            if stem == clean_token(word):
                continue
            gained = _name_evidence(stem) - _name_evidence(word)
            if gained > 0 or (gained == 0 and has_baltic_ending(word)):
                notes.append(f"Lithuanian/Latvian ending read off: {word} = {stem.capitalize()}")
                out[i] = stem.capitalize()
    slipped = False
    for others_slipped in (False, True):
        if others_slipped and not slipped:
            break
        for i, word in enumerate(out):
            decoded = looks_like_layout_slip(word, others_slipped=others_slipped)
            if decoded is not None:
                notes.append(f"typed in the Latin keyboard layout: {word} = {decoded}")
                out[i] = decoded
                slipped = True
    return out, notes


def _fix_text(text: str | None, notes: list[str]) -> str | None:
    if not text:
        return text
    words, found = _fix_words(text.split())
    notes.extend(found)
    return " ".join(words)


def _fix_fields(
    fields: tuple[str | None, str | None, str | None], notes: list[str]
) -> tuple[str | None, str | None, str | None]:
    """`_fix_words` over the split name fields taken together (one field's layout slip tells about the others)."""
    present = [(i, f) for i, f in enumerate(fields) if f]
    if not present:
        return fields
    fixed, found = _fix_words([f for _, f in present])
    notes.extend(found)
    out = list(fields)
    for (i, _), value in zip(present, fixed, strict=True):
        out[i] = value
    return out[0], out[1], out[2]


def _out_of_place(surname: str | None, given: str | None, patronymic: str | None) -> bool:
    """True when the name fields hold names of another role (a hurried operator's swapped fields)."""
    if given and initial_letter(given) is None and looks_like_patronymic(given):
        return not (patronymic and looks_like_patronymic(patronymic))
    if patronymic and initial_letter(patronymic) is None and not looks_like_patronymic(patronymic):
        return True
    if surname and given and initial_letter(given) is None and initial_letter(surname) is None:
        if is_known_given_name(surname) and not is_known_given_name(given):
            return True
        return _given_evidence(surname) > max(_given_evidence(given), 0)
    return False


_LN_FIELDS_AS_ENTERED = math.log(0.5)


@lru_cache(maxsize=20_000)
def parse_query(query: LookupQuery) -> tuple[ParsedPerson, ...]:
    """All readings of a query, most likely first; empty when it names nobody and gives no identifier."""
    notes: list[str] = []
    stated_on = _stated_on(query)
    age = query.age
    dob_text = blank_to_none(query.date_of_birth)
    dob: PartialDate | None = parse_date(dob_text)
    if dob_text and dob is None:
        free = extract(dob_text, stated_on)
        dob, age, notes = free.date, age or free.age, [*notes, *free.notes]
    unit = unit_number(query.military_unit) or blank_to_none(query.military_unit)
    surname, given, patronymic = _fix_fields(
        (blank_to_none(query.surname), blank_to_none(query.given_name), blank_to_none(query.patronymic)), notes
    )
    full_name = blank_to_none(query.full_name)
    readings: list[_Reading]
    if surname or given or patronymic or not full_name:
        readings = [(surname, given, patronymic, "fields", 0.0)]
        if _out_of_place(surname, given, patronymic):
            joined = " ".join(t for t in (surname, given, patronymic) if t)
            swapped, _ = _split_full_name(joined)
            readings = [(*r[:3], "fields out of place, " + r[3].removeprefix("full name: "), r[4]) for r in swapped]
            readings.append((surname, given, patronymic, "fields as entered", _LN_FIELDS_AS_ENTERED))
        hints = latin_hints(t for t in (surname, given, patronymic) if t)
    else:
        free = extract(full_name, stated_on)
        notes.extend(free.notes)
        names = _fix_text(free.names, notes) or ""
        readings, date_text = _split_full_name(names)
        if dob is None:
            dob = free.date or parse_date(date_text)
        age = age or free.age
        unit = unit or free.unit
        hints = latin_hints(split_tokens(names))
    when: PartialDate | AgeRange | None = dob
    if dob is None and age is not None and 0 < age < 120:
        when = age_range(age, stated_on)
        notes.append(when.describe())
    common = {
        "service_number": normalize_service_number(query.service_number),
        "place": blank_to_none(query.place_of_birth),
        "unit": unit,
    }
    parsed = tuple(
        ParsedPerson(
            surname=query_field(s, "surname", hints),
            given=query_field(g, "given", hints),
            patronymic=query_field(p, "patronymic", hints),
            dob=when,
            reading=description,
            log_penalty=penalty,
            notes=tuple(dict.fromkeys(notes)),
            **common,
        )
        for s, g, p, description, penalty in readings
    )
    return tuple(p for p in parsed if p.surname or p.given or p.patronymic or p.service_number or p.dob)


@dataclass(frozen=True, slots=True)
class Interpretation:
    """How the engine understood an inquiry (its most likely reading), for the officer to check."""

    surname: str | None
    given_name: str | None  # an initial is shown as written ("А.")
    patronymic: str | None
    date_of_birth: str | None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    born_from: str | None  # an age's window of birth dates (ISO), when an age stands for the date
    born_to: str | None
    age: int | None
    military_unit: str | None
    service_number: str | None
    reading: str  # "fields", "full name: names recognised by their form", …
    other_readings: int  # how many less likely readings were scored as well
    notes: tuple[str, ...]  # what was read out of free text or undone (layout, look-alikes, Baltic endings …)


def interpret(query: LookupQuery) -> Interpretation | None:
    """The most likely reading of `query` in plain fields; None when it names nobody."""
    readings = parse_query(query)
    if not readings:
        return None
    first = readings[0]
    window = first.dob if isinstance(first.dob, AgeRange) else None
    exact = first.dob if isinstance(first.dob, PartialDate) else None
    return Interpretation(
        surname=first.surname.original if first.surname else None,
        given_name=first.given.original if first.given else None,
        patronymic=first.patronymic.original if first.patronymic else None,
        date_of_birth=exact.iso() if exact else None,
        born_from=window.earliest.isoformat() if window else None,
        born_to=window.latest.isoformat() if window else None,
        age=window.age if window else None,
        military_unit=first.unit,
        service_number=first.service_number,
        reading=first.reading,
        other_readings=len(readings) - 1,
        notes=first.notes,
    )
