"""The lookup engine's explanations, in the staff member's language.

The engine (`app.matching`) explains each field in English sentences that quote both spellings, e.g.
`surname: Іванов ≈ Иванов (Ukrainian spelling)`. Here each known sentence shape is matched, its words translated
through the `console` catalog and the quoted names put back unchanged. A sentence of a shape not known here is
shown as the engine wrote it (English), never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.console.labels import N_

Gettext = Callable[[str], str]

FIELDS = {
    "surname": N_("surname"),
    "given name": N_("given name"),
    "given_name": N_("given name"),
    "patronymic": N_("patronymic"),
    "date of birth": N_("date of birth"),
    "date_of_birth": N_("date of birth"),
    "place of birth": N_("place of birth"),
    "place_of_birth": N_("place of birth"),
    "service number": N_("service number"),
    "service_number": N_("service number"),
    "military unit": N_("military unit"),
    "military_unit": N_("military unit"),
    "name order": N_("name order"),
    "inquiry": N_("inquiry"),
}

VERDICTS = {
    "exact": N_("same"),
    "variant": N_("variant"),
    "similar": N_("similar"),
    "partial": N_("partly"),
    "mismatch": N_("differs"),
    "missing": N_("unknown"),
}

# Reasons inside the parentheses of "A ≈ B (reason; reason)".
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^transliteration$"), N_("transliteration")),
    (re.compile(r"^another transliteration standard$"), N_("another transliteration standard")),
    (re.compile(r"^Ukrainian spelling$"), N_("Ukrainian spelling")),
    (re.compile(r"^ё/е$"), N_("ё/е")),
    (re.compile(r"^spelling variant of the same name$"), N_("spelling variant of the same name")),
    (re.compile(r"^spelling variant$"), N_("spelling variant")),
    (re.compile(r"^declined form, nominative (?P<a>.+)$"), N_("declined form, nominative %(a)s")),
    (re.compile(r"^both from the name (?P<a>.+)$"), N_("both from the name %(a)s")),
    (
        re.compile(r"^(?P<a>.+) is a diminutive of (?P<b>.+?) \(it can also stand for (?P<n>\d+) other name\(s\)\)$"),
        N_("%(a)s is a diminutive of %(b)s (it can also stand for other names: %(n)s)"),
    ),
    (re.compile(r"^(?P<a>.+) is a diminutive of (?P<b>.+)$"), N_("%(a)s is a diminutive of %(b)s")),
    (re.compile(r"^(?P<a>.+) is the Ukrainian form of (?P<b>.+)$"), N_("%(a)s is the Ukrainian form of %(b)s")),
]

_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<a>.+) matches exactly$"), N_("%(a)s matches exactly")),
    (
        re.compile(r"^(?P<a>.+) ~ (?P<b>.+) \(similar spelling, possibly a typo\)$"),
        N_("%(a)s ~ %(b)s (similar spelling, possibly a typo)"),
    ),
    (re.compile(r"^(?P<a>.+) ~ (?P<b>.+) \(one character differs\)$"), N_("%(a)s ~ %(b)s (one character differs)")),
    (re.compile(r"^not recorded in the registry$"), N_("not recorded in the registry")),
    (re.compile(r"^not given in the inquiry$"), N_("not given in the inquiry")),
    (re.compile(r"^(?P<a>.+) given, not recorded in the registry$"), N_("%(a)s given, not recorded in the registry")),
    (re.compile(r"^the inquiry names nobody$"), N_("the inquiry names nobody")),
    (re.compile(r"^service number (?P<a>.+) is on this case$"), N_("service number %(a)s is on this case")),
    (
        re.compile(r"^year matches, day/month swapped \((?P<a>.+) vs (?P<b>.+)\)$"),
        N_("year matches, day and month swapped (%(a)s vs %(b)s)"),
    ),
    (
        re.compile(r"^day and month match, year off by one \((?P<a>.+) vs (?P<b>.+)\)$"),
        N_("day and month match, year off by one (%(a)s vs %(b)s)"),
    ),
    (
        re.compile(r"^year and month match, day differs \((?P<a>.+) vs (?P<b>.+)\)$"),
        N_("year and month match, day differs (%(a)s vs %(b)s)"),
    ),
    (
        re.compile(r"^year matches, day and month differ \((?P<a>.+) vs (?P<b>.+)\)$"),
        N_("year matches, day and month differ (%(a)s vs %(b)s)"),
    ),
    (
        re.compile(r"^year matches, month differs \((?P<a>.+) vs (?P<b>.+)\)$"),
        N_("year matches, month differs (%(a)s vs %(b)s)"),
    ),
    (re.compile(r"^year off by one \((?P<a>.+) vs (?P<b>.+)\)$"), N_("year off by one (%(a)s vs %(b)s)")),
    (re.compile(r"^(?P<a>[^()]+) vs (?P<b>[^()]+)$"), N_("%(a)s vs %(b)s")),
    (re.compile(r"^(?P<a>.+) matches$"), N_("%(a)s matches")),
]

_SAME = re.compile(r"^(?P<a>.+?) ≈ (?P<b>.+?) \((?P<reasons>.+)\)$")
_EXACT_WITH_REASONS = re.compile(r"^(?P<a>[^≈~()]+) \((?P<reasons>[^()]+)\)$")


def _reason(text: str, gettext: Gettext) -> str:
    for pattern, message in _REASONS:
        found = pattern.match(text.strip())
        if found:
            return gettext(message) % found.groupdict()
    return text


def _reasons(text: str, gettext: Gettext) -> str:
    separator = "; " if "; " in text else ", "
    return separator.join(_reason(part, gettext) for part in text.split(separator))


def sentence(text: str, gettext: Gettext) -> str:
    """One explanation detail (without its field name) in the staff member's language."""
    text = text.strip()
    same = _SAME.match(text)
    if same:
        return f"{same['a']} ≈ {same['b']} ({_reasons(same['reasons'], gettext)})"
    for pattern, message in _SENTENCES:
        found = pattern.match(text)
        if found:
            return gettext(message) % found.groupdict()
    exact = _EXACT_WITH_REASONS.match(text)
    if exact:
        return f"{exact['a']} ({_reasons(exact['reasons'], gettext)})"
    return text


def field_name(name: str, gettext: Gettext) -> str:
    return gettext(FIELDS[name]) if name in FIELDS else name


def verdict(code: str, gettext: Gettext) -> str:
    return gettext(VERDICTS[code]) if code in VERDICTS else code


def joined(text: str, gettext: Gettext) -> str:
    """`field: detail; field: detail` (as `app.cases.similarity.explain` writes it), translated part by part."""
    parts = []
    for part in text.split("; "):
        name, colon, detail = part.partition(": ")
        if colon and name in FIELDS:
            parts.append(f"{field_name(name, gettext)}: {sentence(detail, gettext)}")
        else:
            parts.append(sentence(part, gettext))
    return "; ".join(parts)
