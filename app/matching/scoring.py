"""Field-by-field scoring: a likelihood ratio per field, summed as log-odds, frequency-aware, explained.

The model is the classic record-linkage one (Fellegi–Sunter): for each field, the ratio of how probable the observed
agreement or disagreement is if the record *is* the sought person (m) to how probable it is if it is *someone else*
(u). Frequencies make u honest: agreeing on "Иванов" (≈1 % of a registry) is weak evidence, agreeing on a surname
held by one person in 30,000 is strong evidence. Log-ratios add up with the prior odds that one given record is the
person (1 : registry size) into posterior log-odds; a field's log-ratio is its `weight` in the explanation.

The posterior probability is sigmoid(log-odds); `Match.score` is sigmoid(log-odds / 4), a gentler squashing that
keeps candidates with overwhelming evidence distinguishable (it never saturates to 1.0 in float arithmetic) while
preserving the order. Strength uses the posterior: `strong` when it is ≥ 0.9, the surname or the service number
agrees (a case officer should never see "strong" on given name and date alone) and neither the given name, the
patronymic, the date of birth nor the service number contradicts (a date whose known parts differ beyond a day/month
swap or a year off by one contradicts even when its likelihood ratio stays above 1); `possible` when ≥ 0.1; `weak`
otherwise; `possible` also needs the surname, the given name or the service number to agree at least in part. All
constants are explained in docs/matching.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from app.matching.dates import compare_dates
from app.matching.explain import given_relation, same_name, spelling_reasons
from app.matching.model import FieldExplanation, LookupQuery, Match, PersonRecord, Strength, Verdict
from app.matching.names import canonical_display, father_id, given_ids, given_variants
from app.matching.normalize import exact_form
from app.matching.parse import NameField, NameForm, ParsedPerson, parse_query, parse_record

# m-probabilities: how often the same person's field is written the same way (or as a variant) in two sources.
# Spelled identically (after ё/е and de-declension) is likelier for the same person than spelled as a variant.
M_SURNAME = 0.92
M_SURNAME_VARIANT = 0.85
M_SURNAME_CONSONANTS = 0.6
M_GIVEN = 0.9
M_GIVEN_VARIANT = 0.8
M_NICKNAME = 0.75
M_PATRONYMIC = 0.9
M_PATRONYMIC_VARIANT = 0.8
# Similar (typo-level) spellings: LR grows log-linearly with similarity between two measured points; on the dev
# registry a random pair of different surnames reaches OSA similarity 0.6 / 0.7 / 0.8 / 0.9 with probability
# 0.0095 / 0.0022 / 0.0004 / 0.000005, while about one inquiry in ten carries a typo (docs/matching.md).
SIMILAR_LOW, SIMILAR_HIGH = 0.6, 0.9
LR_SURNAME_SIMILAR = (2.0, 100.0)
LR_NAME_SIMILAR = (1.0, 8.0)
LR_SURNAME_MISMATCH = 0.03
LR_NAME_MISMATCH = 0.05
LR_DECLINED_READING = 0.95
# An inquiry name that looks like a diminutive of the recorded one without being listed as such (see
# `_familiar_form_of`): weak support, far from the ≈ 10 a listed diminutive gets, but no contradiction either.
LR_FAMILIAR_FORM = 2.0
# u-priors: shares assumed before the registry's own counts are known (blended with them, see `_share`).
U0_SURNAME = 0.001
U0_GIVEN = 0.02
U0_PATRONYMIC = 0.02
U_FLOOR_CONSONANT_VARIANT = 0.0005
PRIOR_WEIGHT = 1000.0
U_SERVICE_NUMBER = 1e-6
M_SERVICE_NUMBER = 0.95
LR_SERVICE_NUMBER_SIMILAR = 30.0
LR_SERVICE_NUMBER_MISMATCH = 0.05
LR_CONTEXT_MATCH = 4.0
LR_CONTEXT_MISMATCH = 0.5
SIMILAR_SURNAME = 0.7
SIMILAR_NAME = 0.75

STRONG_POSTERIOR = 0.9
POSSIBLE_POSTERIOR = 0.1
SCORE_TEMPERATURE = 4.0


@dataclass(frozen=True, slots=True)
class _Field:
    verdict: Verdict
    log_lr: float
    detail: str
    conflicting: bool = False  # speaks against the match whatever its weight (see `_strength`)


def _share(count: int, total: int, prior: float) -> float:
    """Registry share of a value, shrunk towards a population prior so small registries do not overstate rarity."""
    return (count + PRIOR_WEIGHT * prior) / (max(total, 0) + PRIOR_WEIGHT)


def _similarity(a: str, b: str) -> float:
    """Normalized optimal-string-alignment similarity (typos: substitution, insertion, deletion, transposition)."""
    return OSA.normalized_similarity(a, b)


def _similar_log_lr(sim: float, bounds: tuple[float, float]) -> float:
    low, high = math.log(bounds[0]), math.log(bounds[1])
    t = min(1.0, max(0.0, (sim - SIMILAR_LOW) / (SIMILAR_HIGH - SIMILAR_LOW)))
    return low + (high - low) * t


# Ukrainian writes the е and о of a closed syllable as і (Рожнев → Рожнів, Федоров → Федорів, Матвеев → Матвіїв)
# and е as о after a soft consonant (Киселев → Кисельов): with the consonants equal, those vowels tell nothing.
_UKRAINIAN_VOWEL_SHIFT = str.maketrans("eo", "ii")


def _ukrainian_vowels(vowels: str) -> str:
    return _RUNS.sub(r"\1", vowels.translate(_UKRAINIAN_VOWEL_SHIFT))


def _declined_from(form: NameForm) -> str | None:
    return form.form.capitalize() if form.declined else None


def _compare_surname(q: NameField, r: NameField, freq: Mapping[str, int], total: int) -> _Field:
    """The best agreement over the query's readings and the record's readings (usually one each)."""
    best: _Field | None = None
    max_share = max(_share(freq.get(f"fs:{f.vowels}", 0), total, U0_SURNAME) for f in q.forms)
    for qf in q.forms:
        for rf in r.forms:
            cand = _compare_surname_forms(q, r, qf, rf, freq, total, max_share)
            if best is None or cand.log_lr > best.log_lr:
                best = cand
    assert best is not None
    return best


def _compare_surname_forms(
    q: NameField,
    r: NameField,
    qf: NameForm,
    rf: NameForm,
    freq: Mapping[str, int],
    total: int,
    max_share: float,
) -> _Field:
    penalty = math.log(LR_DECLINED_READING) if qf.declined else 0.0
    count = freq.get(f"fs:{qf.vowels}", 0)
    same_spelling = exact_form(qf.form) == exact_form(r.original)
    if same_spelling or qf.vowels == rf.vowels:
        u = _share(count, total, U0_SURNAME)
        lr = math.log((M_SURNAME if same_spelling else M_SURNAME_VARIANT) / u) + penalty
        if same_spelling and not qf.declined:
            reasons = spelling_reasons(q.original, r.original)
            detail = f"{r.original}" + (f" ({', '.join(reasons)})" if reasons else " matches exactly")
            return _Field("exact", lr, detail)
        return _Field(
            "variant",
            lr,
            same_name(q.original, r.original, declined_from=_declined_from(qf), fallback="spelling variant"),
        )
    sim = _similarity(qf.vowels, rf.vowels)
    if (
        qf.consonants == rf.consonants
        and len(rf.consonants) >= 3
        and (sim >= 0.85 or _ukrainian_vowels(qf.vowels) == _ukrainian_vowels(rf.vowels))
    ):
        # The record's own spelling has no count here: take the commonest reading of the query instead.
        u = max(max_share, U_FLOOR_CONSONANT_VARIANT)
        lr = math.log(M_SURNAME_CONSONANTS / u) + penalty
        return _Field(
            "variant",
            lr,
            same_name(q.original, r.original, declined_from=_declined_from(qf), fallback="spelling variant"),
        )
    if sim >= SIMILAR_SURNAME or (Levenshtein.distance(qf.consonants, rf.consonants) <= 1 and sim >= SIMILAR_LOW):
        lr = _similar_log_lr(sim, LR_SURNAME_SIMILAR) + penalty
        return _Field("similar", lr, f"{q.original} ~ {r.original} (similar spelling, possibly a typo)")
    return _Field("mismatch", math.log(LR_SURNAME_MISMATCH), f"{q.original} vs {r.original}")


def _compare_given_like(
    q: NameField,
    r: NameField,
    freq: Mapping[str, int],
    total: int,
    *,
    patronymic: bool,
) -> _Field:
    prefix, u0, m, m_variant = (
        ("fp:", U0_PATRONYMIC, M_PATRONYMIC, M_PATRONYMIC_VARIANT)
        if patronymic
        else ("fg:", U0_GIVEN, M_GIVEN, M_GIVEN_VARIANT)
    )
    best: _Field | None = None
    shared = [i for i in q.ids if i in r.ids]
    for qf in q.forms:
        penalty = math.log(LR_DECLINED_READING) if qf.declined else 0.0
        if exact_form(qf.form) == exact_form(r.original) and not qf.declined:
            ids = shared or list(r.ids)
            u = min((_share(freq.get(prefix + i, 0), total, u0) for i in ids), default=u0)
            reasons = spelling_reasons(q.original, r.original)
            detail = r.original + (f" ({', '.join(reasons)})" if reasons else " matches exactly")
            cand = _Field("exact", math.log(m / u), detail)
        elif shared:
            own = _ids_of_form(qf, patronymic=patronymic)
            ids = [i for i in shared if i in own] or shared
            u = min(_share(freq.get(prefix + i, 0), total, u0) for i in ids)
            cid = ids[0]
            m_spelled = m if exact_form(qf.form) == exact_form(r.original) else m_variant
            if patronymic:
                father = canonical_display(cid)
                detail = same_name(
                    q.original, r.original, declined_from=_declined_from(qf), fallback=f"both from the name {father}"
                )
                cand = _Field("variant", math.log(m_spelled / u) + penalty, detail)
            else:
                ambiguity = max(1, len(own))
                nickname = _is_diminutive(qf.form, cid)
                m_eff = (M_NICKNAME / ambiguity) if nickname else m_spelled
                detail = given_relation(q.original, r.original, cid, declined_from=_declined_from(qf))
                cand = _Field("variant", math.log(m_eff / u) + penalty, detail)
        else:
            sim = max(_similarity(qf.vowels, rf.vowels) for rf in r.forms)
            if sim >= SIMILAR_NAME:
                lr = _similar_log_lr(sim, LR_NAME_SIMILAR) + penalty
                cand = _Field("similar", lr, f"{q.original} ~ {r.original} (similar spelling, possibly a typo)")
            elif not patronymic and (full := _familiar_form_of(qf, r)) is not None:
                detail = f"{q.original} may be a familiar form of {full} (not in the name table)"
                cand = _Field("partial", math.log(LR_FAMILIAR_FORM) + penalty, detail)
            else:
                cand = _Field("mismatch", math.log(LR_NAME_MISMATCH), f"{q.original} vs {r.original}")
        if best is None or cand.log_lr > best.log_lr:
            best = cand
    assert best is not None
    return best


_DIMINUTIVE_SHAPE = re.compile(r"(a|ia|ik|ek|ok|ka|sa|sia|ha|us|ius|un|an|on|ia)$")


def _familiar_form_of(q: NameForm, r: NameField) -> str | None:
    """The recorded name when the inquiry's one looks like a familiar form of it the name table does not list.

    Russian and Ukrainian diminutives mostly keep the first syllable of the full name and add a suffix (Стёпа,
    Федя, Гриша, Тима, Ярик, Русик, Сёма ← Степан, Фёдор, Григорий, Тимофей, Ярослав, Руслан, Семён): the first
    three letters of the inquiry's form occur in the recorded name (in its own or its canonical spelling), and the
    table does not know the form (a listed name or diminutive says what it stands for). This is weak evidence
    (`LR_FAMILIAR_FORM`), but it keeps an unknown nickname from counting as a contradiction.
    """
    vowels = q.vowels
    if len(vowels) < 4 or not _DIMINUTIVE_SHAPE.search(vowels):
        return None
    if given_variants(q.form):
        return None  # the table knows this name, and it does not stand for the recorded one
    head = vowels[:3]
    spellings = [r.forms[0].vowels] + [i for i in r.ids if not i.startswith("~")]
    if any(head in spelling for spelling in spellings if spelling != vowels):
        return r.original
    return None


def _ids_of_form(form: NameForm, *, patronymic: bool) -> tuple[str, ...]:
    if patronymic:
        fid = father_id(form.form)
        return (fid,) if fid else ()
    return given_ids(form.form)


def _is_diminutive(text: str, canonical_id: str) -> bool:
    return any(v.canonical_id == canonical_id and v.kind == "diminutive" for v in given_variants(text))


def _compare_service_number(q: str, r: str | None) -> _Field:
    if r is None:
        return _Field("missing", 0.0, "not recorded in the registry")
    if q == r:
        return _Field("exact", math.log(M_SERVICE_NUMBER / U_SERVICE_NUMBER), f"{r} matches")
    if len(q) == len(r) and OSA.distance(q, r) <= 1:
        return _Field("similar", math.log(LR_SERVICE_NUMBER_SIMILAR), f"{q} ~ {r} (one character differs)")
    return _Field("mismatch", math.log(LR_SERVICE_NUMBER_MISMATCH), f"{q} vs {r}")


_DIGITS = re.compile(r"\d+")
_RUNS = re.compile(r"(.)\1+")


def _compare_context(q: str, r: str | None, *, digits_only: bool) -> _Field:
    if r is None:
        return _Field("missing", 0.0, "not recorded in the registry")
    if digits_only and _DIGITS.findall(q) and _DIGITS.findall(q) == _DIGITS.findall(r):
        return _Field("exact", math.log(LR_CONTEXT_MATCH), f"{r} matches")
    if exact_form(q) == exact_form(r) or _similarity(exact_form(q), exact_form(r)) >= 0.85:
        return _Field(
            "exact" if exact_form(q) == exact_form(r) else "similar", math.log(LR_CONTEXT_MATCH), f"{q} ~ {r}"
        )
    return _Field("mismatch", math.log(LR_CONTEXT_MISMATCH), f"{q} vs {r}")


def _name_field(
    name: str,
    q: NameField | None,
    r: NameField | None,
    compare: Callable[[NameField, NameField], _Field],
) -> tuple[str, _Field]:
    if q is None:
        return name, _Field("missing", 0.0, "not given in the inquiry")
    if r is None:
        return name, _Field("missing", 0.0, f"{q.original} given, not recorded in the registry")
    return name, compare(q, r)


@dataclass(frozen=True, slots=True)
class _Scored:
    log_odds: float
    fields: tuple[tuple[str, _Field], ...]
    reading: ParsedPerson


def _score_reading(q: ParsedPerson, r: ParsedPerson, freq: Mapping[str, int], total: int) -> _Scored:
    fields: list[tuple[str, _Field]] = [
        _name_field("surname", q.surname, r.surname, lambda a, b: _compare_surname(a, b, freq, total)),
        _name_field(
            "given name", q.given, r.given, lambda a, b: _compare_given_like(a, b, freq, total, patronymic=False)
        ),
        _name_field(
            "patronymic",
            q.patronymic,
            r.patronymic,
            lambda a, b: _compare_given_like(a, b, freq, total, patronymic=True),
        ),
    ]
    dates = compare_dates(q.dob, r.dob)
    fields.append(
        ("date of birth", _Field(dates.verdict, math.log(dates.likelihood_ratio), dates.detail, dates.conflicting))
    )
    if q.service_number:
        fields.append(("service number", _compare_service_number(q.service_number, r.service_number)))
    if q.place:
        fields.append(("place of birth", _compare_context(q.place, r.place, digits_only=False)))
    if q.unit:
        fields.append(("military unit", _compare_context(q.unit, r.unit, digits_only=True)))
    prior = -math.log(max(total, 1))
    log_odds = sum(f.log_lr for _, f in fields) + prior + q.log_penalty
    return _Scored(log_odds, tuple(fields), q)


def _strength(scored: _Scored) -> Strength:
    posterior = 1.0 / (1.0 + math.exp(-max(min(scored.log_odds, 700.0), -700.0)))
    anchored = any(
        name in ("surname", "service number") and f.verdict in ("exact", "variant") for name, f in scored.fields
    )
    contradicted = any(
        (name in ("given name", "patronymic", "date of birth", "service number") and f.verdict == "mismatch")
        or f.conflicting
        for name, f in scored.fields
    )
    # Patronymic and birth date alone (the `pd` key retrieves such candidates for a misspelt surname and an unknown
    # pet name) never make a man a candidate worth proposing: some name or the service number must agree at least
    # in part.
    named = any(
        name in ("surname", "given name", "service number") and f.verdict not in ("mismatch", "missing")
        for name, f in scored.fields
    )
    if posterior >= STRONG_POSTERIOR and anchored and not contradicted:
        return "strong"
    if posterior >= POSSIBLE_POSTERIOR and named:
        return "possible"
    return "weak"


def score(query: LookupQuery, record: PersonRecord, frequencies: Mapping[str, int], total: int) -> Match:
    """Score one registry record against a query.

    `frequencies` holds registry-wide counts for `query_frequency_keys(query)` (missing keys count 0); `total` is the
    registry size. The best reading of the query (token order, declension) is the one reported.
    """
    readings = parse_query(query)
    record_person = parse_record(record)
    if not readings:
        return Match(0.0, "weak", (FieldExplanation("inquiry", "missing", "the inquiry names nobody", 0.0),))
    best = max((_score_reading(q, record_person, frequencies, total) for q in readings), key=lambda s: s.log_odds)
    explanation = tuple(FieldExplanation(name, f.verdict, f.detail, round(f.log_lr, 2)) for name, f in best.fields)
    if best.reading.reading not in ("fields",) and len(readings) > 1:
        explanation += (
            FieldExplanation("name order", "partial", best.reading.reading, round(best.reading.log_penalty, 2)),
        )
    value = 1.0 / (1.0 + math.exp(-max(min(best.log_odds / SCORE_TEMPERATURE, 700.0), -700.0)))
    return Match(value, _strength(best), explanation)
