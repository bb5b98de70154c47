"""What an email already says, as a starting point for the inquiry form: the operator confirms and corrects it.

Names come from the lookup engine's parser (`app.matching.parse.parse_query`): runs of two or three capitalised words
are read as full names, and a run counts when the engine recognises a given name in it. A name in the genitive
("ищу сына Иванова Алексея Сергеевича") is put back in the nominative from the engine's own readings. Dates of
birth, service numbers and units are found by the phrases families use in ru, uk and en. The sender is the
requester; the language is the one detected from the text. Nothing here is stored: it only fills a form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.db import utcnow
from app.matching.dates import parse_date
from app.matching.model import LookupQuery
from app.matching.names import is_known_given_name
from app.matching.parse import NameField, parse_query

_LETTERS = "A-Za-zА-ЯЁІЇЄҐа-яёіїєґ'’-"
_CAPITALISED = re.compile(rf"[A-ZА-ЯЁІЇЄҐ][{_LETTERS}]+")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d{2})(?!\d)")
_YEAR_OF_BIRTH = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:г\.?\s*р\.?|года рождения|року народження|р\.?\s*н\.?|year of birth)"
    r"|(?:born|рождения|народження|родился|народився|г\.р\.)\D{0,12}((?:19|20)\d{2})(?!\d)",
    re.I,
)
_SERVICE_NUMBER = re.compile(
    r"(?:жетон\w*|личн\w+ номер\w*|особист\w+ номер\w*|service number|military id|номер жетона|в/б)"
    r"[\s:№#-]*([A-ZА-ЯЁІЇЄҐ]{0,3}[\s-]?\d{5,8})",
    re.I,
)
_UNIT = re.compile(
    r"(?:в/ч|в\.ч\.|войсков\w+ част\w+|воинск\w+ част\w+|військов\w+ частин\w+|military unit|unit)"
    r"\s*(?:№|no\.?|#)?\s*([A-ZА-ЯІЇЄҐ]?\d{3,5})(?!\d)",
    re.I,
)
_MALE_GENITIVE_PATRONYMIC = ("ича", "ьича")
_MAX_RUNS = 200


@dataclass(frozen=True, slots=True)
class SoughtGuess:
    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    date_of_birth: str | None = None
    service_number: str | None = None
    military_unit: str | None = None


@dataclass(frozen=True, slots=True)
class RequesterGuess:
    full_name: str | None
    email: str | None
    language: str


@dataclass(frozen=True, slots=True)
class Prefill:
    requester: RequesterGuess
    sought: SoughtGuess
    names_found: list[str] = field(default_factory=list)
    """Every full name read from the text, most likely the sought person's first."""


def _runs(text: str) -> list[list[str]]:
    """Runs of consecutive capitalised words (separated by spaces only: a comma or full stop ends a run)."""
    runs: list[list[str]] = []
    current: list[str] = []
    end = -1
    for match in _CAPITALISED.finditer(text):
        between = text[end : match.start()] if end >= 0 else " "
        if current and between.strip(" \t") == "":
            current.append(match.group(0))
        else:
            if len(current) >= 2:
                runs.append(current)
            current = [match.group(0)]
        end = match.end()
        if len(runs) >= _MAX_RUNS:
            break
    if len(current) >= 2:
        runs.append(current)
    return runs


def _windows(run: list[str]) -> list[list[str]]:
    out = [run[i : i + 3] for i in range(len(run) - 2)] if len(run) > 3 else [run]
    if len(run) > 2:
        out += [run[i : i + 2] for i in range(len(run) - 1)]
    return out


def _title(form: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in form.split("-"))


def _declined(given: NameField, patronymic: NameField | None, surname: NameField | None) -> bool:
    """Whether the name was written in an oblique case (so its nominative readings should be used)."""
    if patronymic is not None:
        return patronymic.original.lower().endswith(_MALE_GENITIVE_PATRONYMIC)
    original = given.original.lower()
    nominative = next((f.form for f in given.forms if f.declined), None)
    return bool(
        original.endswith(("а", "я"))
        and nominative
        and not nominative.endswith(("а", "я", "и", "е"))
        and surname is not None
        and surname.original.lower().endswith(("а", "я"))
    )


def _pick(field_: NameField | None, declined: bool) -> str | None:
    if field_ is None:
        return None
    if declined:
        nominative = next((f.form for f in field_.forms if f.declined), None)
        if nominative:
            return _title(nominative)
    return field_.original


def _full_names(text: str, exclude: set[str]) -> list[tuple[str | None, str | None, str | None]]:
    found: list[tuple[str | None, str | None, str | None]] = []
    for run in _runs(text):
        for window in _windows(run):
            readings = parse_query(LookupQuery(full_name=" ".join(window)))
            if not readings:
                continue
            best = readings[0]
            given = best.given
            if given is None or best.surname is None or not is_known_given_name(given.forms[0].form):
                continue
            if sum(f is not None for f in (best.surname, given, best.patronymic)) != len(window):
                continue  # two words read as one surname: a capitalised word before the name ("Сын Иванов Иван")
            if given.original.lower() in exclude:
                break  # the requester signing the letter (relatives share a surname, not a given name)
            if not any(not i.startswith("~") for i in given.ids):
                continue
            declined = _declined(given, best.patronymic, best.surname)
            name = (_pick(best.surname, declined), _pick(given, declined), _pick(best.patronymic, declined))
            if name not in found:
                found.append(name)
            break
    # A name with a patronymic is the fuller, likelier description of the man sought.
    return sorted(found, key=lambda n: n[2] is None)


def _date_of_birth(text: str) -> str | None:
    """The first full date old enough to be a serviceman's birth date (a recent date is a last call, not a birth),
    else a year written as a year of birth."""
    latest = utcnow().year - 16
    for match in _DMY.finditer(text):
        parsed = parse_date(f"{match.group(1)}.{match.group(2)}.{match.group(3)}")
        if parsed is not None and parsed.is_full and parsed.year <= latest:
            return parsed.iso()
    year = _YEAR_OF_BIRTH.search(text)
    if year is None:
        return None
    parsed = parse_date(year.group(1) or year.group(2))
    return parsed.iso() if parsed else None


def prefill(
    *, text: str | None, subject: str | None, sender_name: str | None, sender_address: str | None, language: str | None
) -> Prefill:
    body = f"{subject or ''}\n{text or ''}"[:50_000]
    requester_tokens = {t.lower() for t in (sender_name or "").split()}
    names = _full_names(body, requester_tokens)
    surname, given, patronymic = names[0] if names else (None, None, None)
    service = _SERVICE_NUMBER.search(body)
    unit = _UNIT.search(body)
    unit_text = None
    if unit:
        unit_text = unit.group(0).strip()
    return Prefill(
        requester=RequesterGuess(full_name=sender_name, email=sender_address, language=language or "ru"),
        sought=SoughtGuess(
            surname=surname,
            given_name=given,
            patronymic=patronymic,
            date_of_birth=_date_of_birth(body),
            service_number=" ".join(service.group(1).split()) if service else None,
            military_unit=unit_text,
        ),
        names_found=[" ".join(p for p in name if p) for name in names],
    )
