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
from functools import partial
from typing import NamedTuple, get_args

from rapidfuzz.distance import OSA, Levenshtein

from app.matching.dates import AgeRange, PartialDate, compare_age, compare_dates
from app.matching.explain import given_relation, same_name, spelling_reasons
from app.matching.model import FieldExplanation, LookupQuery, Match, PersonRecord, Strength, Verdict
from app.matching.names import canonical_display, father_id, given_ids, given_variants
from app.matching.normalize import exact_form
from app.matching.parse import NameField, NameForm, ParsedPerson, initial_of, parse_query, parse_record

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
# Initials: an initial agrees with about one given name in twelve (the commonest first letters, А С В Д Н, cover
# two thirds of men's names), so agreement is worth about what a common name is; an initial that differs is as
# strong a contradiction as a different name.
M_INITIAL = 0.95
U_INITIAL = 1 / 12
LR_INITIAL_MISMATCH = 0.05
# Military unit: the same number for the same man in two lists is likely but far from certain (units are renamed,
# men transferred, numbers misread); for another man it is as likely as the unit's share of the registry.
M_UNIT = 0.7
U0_UNIT = 0.002
LR_UNIT_MISMATCH = 0.5
SIMILAR_SURNAME = 0.7
SIMILAR_NAME = 0.75

STRONG_POSTERIOR = 0.9
POSSIBLE_POSTERIOR = 0.1
SCORE_TEMPERATURE = 4.0


class _Field(NamedTuple):
    """One field's comparison (a named tuple: built for every form pair compared, so it must be cheap)."""

    verdict: Verdict
    log_lr: float
    detail: str | Callable[[], str]  # expensive sentences are built only if the field is shown (`_Entry`)
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


def _exact_detail(query_text: str, record_text: str) -> str:
    reasons = spelling_reasons(query_text, record_text)
    return record_text + (f" ({', '.join(reasons)})" if reasons else " matches exactly")


def _patronymic_detail(query_text: str, record_text: str, declined_from: str | None, canonical_id: str) -> str:
    father = canonical_display(canonical_id)
    return same_name(query_text, record_text, declined_from=declined_from, fallback=f"both from the name {father}")


def _declined_from(form: NameForm) -> str | None:
    return form.form.capitalize() if form.declined else None


def _surname_max_share(q: NameField, freq: Mapping[str, int], total: int) -> float:
    """Registry share of the commonest reading of the query's surname (query-side: computed once per lookup)."""
    return max(_share(freq.get(f"fs:{f.vowels}", 0), total, U0_SURNAME) for f in q.forms)


def _compare_surname(
    q: NameField, r: NameField, freq: Mapping[str, int], total: int, max_share: float | None = None
) -> _Field:
    """The best agreement over the query's readings and the record's readings (usually one each)."""
    best: _Field | None = None
    if max_share is None:
        max_share = _surname_max_share(q, freq, total)
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
            return _Field("exact", lr, partial(_exact_detail, q.original, r.original))
        return _Field(
            "variant",
            lr,
            partial(same_name, q.original, r.original, declined_from=_declined_from(qf), fallback="spelling variant"),
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
            partial(same_name, q.original, r.original, declined_from=_declined_from(qf), fallback="spelling variant"),
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
            cand = _Field("exact", math.log(m / u), partial(_exact_detail, q.original, r.original))
        elif shared:
            own = _ids_of_form(qf, patronymic=patronymic)
            ids = [i for i in shared if i in own] or shared
            u = min(_share(freq.get(prefix + i, 0), total, u0) for i in ids)
            cid = ids[0]
            m_spelled = m if exact_form(qf.form) == exact_form(r.original) else m_variant
            if patronymic:
                detail = partial(_patronymic_detail, q.original, r.original, _declined_from(qf), cid)
                cand = _Field("variant", math.log(m_spelled / u) + penalty, detail)
            else:
                ambiguity = max(1, len(own))
                nickname = _is_diminutive(qf.form, cid)
                m_eff = (M_NICKNAME / ambiguity) if nickname else m_spelled
                detail = partial(given_relation, q.original, r.original, cid, declined_from=_declined_from(qf))
                cand = _Field("variant", math.log(m_eff / u) + penalty, detail)
        else:
            sim = max(_similarity(qf.vowels, rf.vowels) for rf in r.forms)
            if sim >= SIMILAR_NAME:
                lr = _similar_log_lr(sim, LR_NAME_SIMILAR) + penalty
                cand = _Field("similar", lr, f"{q.original} ~ {r.original} (similar spelling, possibly a typo)")
            elif not patronymic and (full := _familiar_form_of(qf, r)) is not None:
                familiar = f"{q.original} may be a familiar form of {full} (not in the name table)"
                cand = _Field("partial", math.log(LR_FAMILIAR_FORM) + penalty, familiar)
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


def _compare_initial(q: NameField, r: NameField, field: str) -> _Field:
    """An initial against a name (or another initial): consistent when the name (or its canonical form) starts so."""
    letters: tuple[str, ...]
    if q.initial and r.initial:
        same = q.initial == r.initial
        letters = (r.initial,)
    elif q.initial:
        letters = tuple(dict.fromkeys([initial_of(r) or ""] + [i[0] for i in r.ids if not i.startswith("~")]))
        same = q.initial in letters
    else:
        letters = (r.initial,)
        same = r.initial in ([initial_of(q) or ""] + [i[0] for i in q.ids if not i.startswith("~")])
    if same:
        full = r.original if q.initial else q.original
        initial = q.original if q.initial else r.original
        named = canonical_display(r.ids[0]) if q.initial and r.ids and not r.ids[0].startswith("~") else full
        shown = full if named == full else f"{full} ({named})"
        return _Field("partial", math.log(M_INITIAL / U_INITIAL), f"{initial} is consistent with {shown} (initials)")
    return _Field("mismatch", math.log(LR_INITIAL_MISMATCH), f"{q.original} vs {r.original} ({field} initial differs)")


def _compare_unit(q: str, r: str | None, freq: Mapping[str, int], total: int) -> _Field:
    if r is None:
        return _Field("missing", 0.0, "not recorded in the registry")
    if q == r or (_DIGITS.findall(q) and _DIGITS.findall(q) == _DIGITS.findall(r)):
        u = _share(freq.get(f"fu:{r}", 0), total, U0_UNIT)
        return _Field("exact", math.log(M_UNIT / u), f"unit {r} matches")
    return _Field("mismatch", math.log(LR_UNIT_MISMATCH), f"unit {q} vs {r}")


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


def _date_field(q: PartialDate | AgeRange | None, r: PartialDate | None) -> _Field:
    dates = compare_age(q, r) if isinstance(q, AgeRange) else compare_dates(q, r)
    return _Field(dates.verdict, math.log(dates.likelihood_ratio), dates.detail, dates.conflicting)


# What a field says towards the strength band (see `_strength`), fixed once per compared value.
_ANCHORED, _CONTRADICTED, _NAMED = 1, 2, 4


class _Entry:
    """A compared field ready for a `Match`: its log-ratio, its strength flags and (built on first use, since most
    entries of a losing reading or an unreturned candidate are never shown) its explanation line."""

    __slots__ = ("_explanation", "field", "flags", "log_lr", "name")

    def __init__(self, name: str, field: _Field) -> None:
        self.name = name
        self.field = field
        self.log_lr = field.log_lr
        self.flags = _FLAGS[name, field.verdict] | (_CONTRADICTED if field.conflicting else 0)
        self._explanation: FieldExplanation | None = None

    def explanation(self) -> FieldExplanation:
        """The field's line in `Match.explanation` (the same object each time)."""
        found = self._explanation
        if found is None:
            f = self.field
            detail = f.detail if isinstance(f.detail, str) else f.detail()
            found = self._explanation = FieldExplanation(self.name, f.verdict, detail, round(f.log_lr, 2))
        return found


def _flags(name: str, verdict: Verdict) -> int:
    flags = 0
    if name in ("surname", "service number") and verdict in ("exact", "variant"):
        flags |= _ANCHORED
    if name in ("given name", "patronymic", "date of birth", "service number") and verdict == "mismatch":
        flags |= _CONTRADICTED
    # Patronymic and birth date alone (the `pd` key retrieves such candidates for a misspelt surname and an unknown
    # pet name) never make a man a candidate worth proposing: some name or the service number must agree at least
    # in part.
    if name in ("surname", "given name", "service number") and verdict not in ("mismatch", "missing"):
        flags |= _NAMED
    return flags


_FIELD_NAMES = (
    "surname",
    "given name",
    "patronymic",
    "date of birth",
    "service number",
    "place of birth",
    "military unit",
)
_FLAGS = {(name, verdict): _flags(name, verdict) for name in _FIELD_NAMES for verdict in get_args(Verdict)}


def _entry(name: str, f: _Field) -> _Entry:
    return _Entry(name, f)


class _Scored(NamedTuple):
    log_odds: float
    entries: tuple[_Entry, ...]
    memo: _ReadingMemo


def _strength(log_odds: float, flags: int) -> Strength:
    """`strong` needs the posterior, an anchor (surname or service number) and no contradiction; see the module."""
    posterior = 1.0 / (1.0 + math.exp(-max(min(log_odds, 700.0), -700.0)))
    if posterior >= STRONG_POSTERIOR and flags & _ANCHORED and not flags & _CONTRADICTED:
        return "strong"
    if posterior >= POSSIBLE_POSTERIOR and flags & _NAMED:
        return "possible"
    return "weak"


class PreparedQuery:
    """A query made ready to score many candidates of one lookup: `prepare_query(...).score(record)`.

    Equal to `score(query, record, frequencies, total)` for every record, only faster: the query is parsed once,
    and each field comparison is computed once per distinct recorded value (candidates retrieved by key share their
    surnames, given names, patronymics and dates, so most comparisons repeat within a lookup). The comparisons are
    pure functions of (query reading, recorded field, frequencies, total), which the prepared query fixes; a
    snapshot of `frequencies` is taken, so later changes to the caller's mapping do not leak in. Memos hold at most
    one entry per distinct recorded value seen; a prepared query lives for one lookup.

    Record-side name fields are memoized by identity (`parse.record_field` is cached, so equal names are usually
    the same object); the memo keeps the field alive, so an identity can never be reused by another object, and a
    different object with equal content simply computes its own entry.
    """

    __slots__ = ("_memos", "_prior", "frequencies", "query", "readings", "total")

    def __init__(self, query: LookupQuery, frequencies: Mapping[str, int], total: int) -> None:
        self.query = query
        self.frequencies: dict[str, int] = dict(frequencies)
        self.total = total
        self.readings = parse_query(query)
        self._prior = -math.log(max(total, 1))
        several = len(self.readings) > 1
        self._memos = tuple(_ReadingMemo(q, self.frequencies, total, several) for q in self.readings)

    def fits(self, query: LookupQuery, frequencies: Mapping[str, int], total: int) -> bool:
        """True when this prepared query scores exactly as `score(query, …, frequencies, total)` would."""
        return (query is self.query or query == self.query) and total == self.total and self.frequencies == frequencies

    def score(self, record: PersonRecord) -> Match:
        """Score one registry record (see `score`)."""
        if not self.readings:
            return Match(0.0, "weak", (FieldExplanation("inquiry", "missing", "the inquiry names nobody", 0.0),))
        return _match(self._best(record))

    def value(self, record: PersonRecord) -> float:
        """`self.score(record).score` without building the explanation: rank every candidate with this, then
        `score` only the ones shown (the same float, so the same order)."""
        if not self.readings:
            return 0.0
        return _value(self._best(record).log_odds)

    def _best(self, record: PersonRecord) -> _Scored:
        record_person = parse_record(record)
        prior = self._prior
        memos = self._memos
        best = memos[0].score(record_person, prior)
        for memo in memos[1:]:
            scored = memo.score(record_person, prior)
            if scored.log_odds > best.log_odds:  # the first best reading wins ties, as `max` does
                best = scored
        return best


class _ReadingMemo:
    """Field comparisons of one query reading against recorded values, computed once per distinct value."""

    __slots__ = (
        "_dates",
        "_frequencies",
        "_given",
        "_missing",
        "_patronymic",
        "_place",
        "_service",
        "_surname",
        "_surname_share",
        "_total",
        "_unit",
        "order",
        "q",
    )

    def __init__(self, q: ParsedPerson, frequencies: Mapping[str, int], total: int, several: bool) -> None:
        self.q = q
        self._frequencies = frequencies
        self._total = total
        self._surname: dict[int, tuple[NameField, _Entry]] = {}
        self._surname_share = _surname_max_share(q.surname, frequencies, total) if q.surname else None
        self._given: dict[int, tuple[NameField, _Entry]] = {}
        self._patronymic: dict[int, tuple[NameField, _Entry]] = {}
        self._dates: dict[PartialDate | None, _Entry] = {}
        self._service: dict[str | None, _Entry] = {}
        self._place: dict[str | None, _Entry] = {}
        self._unit: dict[str | None, _Entry] = {}
        self._missing = {
            name: _entry(name, _name_field(name, field, None, _never)[1])
            for name, field in (("surname", q.surname), ("given name", q.given), ("patronymic", q.patronymic))
        }
        # The reading is explained when the query had several and a non-field one won.
        self.order: tuple[FieldExplanation, ...] = (
            (FieldExplanation("name order", "partial", q.reading, round(q.log_penalty, 2)),)
            if q.reading not in ("fields",) and several
            else ()
        )
        # How the inquiry's free text was read (a date in words, an age, a unit, a keyboard slip, Baltic endings).
        self.order += tuple(FieldExplanation("inquiry", "partial", note, 0.0) for note in q.notes)

    def _name(
        self,
        name: str,
        q: NameField | None,
        r: NameField | None,
        memo: dict[int, tuple[NameField, _Entry]],
    ) -> _Entry:
        if q is None or r is None:
            return self._missing[name]
        cached = memo.get(id(r))
        if cached is not None and cached[0] is r:
            return cached[1]
        if q.initial or r.initial:
            found = _compare_initial(q, r, name)
        elif name == "surname":
            found = _compare_surname(q, r, self._frequencies, self._total, self._surname_share)
        else:
            found = _compare_given_like(q, r, self._frequencies, self._total, patronymic=name == "patronymic")
        entry = _entry(name, found)
        memo[id(r)] = (r, entry)
        return entry

    def score(self, r: ParsedPerson, prior: float) -> _Scored:
        """The reading's fields against one record and their log-odds (with the prior), fields in explanation order."""
        q = self.q
        entries = [
            self._name("surname", q.surname, r.surname, self._surname),
            self._name("given name", q.given, r.given, self._given),
            self._name("patronymic", q.patronymic, r.patronymic, self._patronymic),
        ]
        recorded = None if isinstance(r.dob, AgeRange) else r.dob  # a record states a date, never an age
        found = self._dates.get(recorded)
        if found is None:
            found = self._dates[recorded] = _entry("date of birth", _date_field(q.dob, recorded))
        entries.append(found)
        if q.service_number:
            found = self._service.get(r.service_number)
            if found is None:
                field = _compare_service_number(q.service_number, r.service_number)
                found = self._service[r.service_number] = _entry("service number", field)
            entries.append(found)
        if q.place:
            found = self._place.get(r.place)
            if found is None:
                field = _compare_context(q.place, r.place, digits_only=False)
                found = self._place[r.place] = _entry("place of birth", field)
            entries.append(found)
        if q.unit:
            found = self._unit.get(r.unit)
            if found is None:
                field = _compare_unit(q.unit, r.unit, self._frequencies, self._total)
                found = self._unit[r.unit] = _entry("military unit", field)
            entries.append(found)
        # Summed in field order exactly as ever, so the float result is bit-for-bit the same.
        log_odds = sum([e.log_lr for e in entries]) + prior + q.log_penalty
        return _Scored(log_odds, tuple(entries), self)


def _never(q: NameField, r: NameField) -> _Field:
    raise AssertionError("only called with both fields present")


def _match(best: _Scored) -> Match:
    flags = 0
    for e in best.entries:
        flags |= e.flags
    explanation = tuple([e.explanation() for e in best.entries]) + best.memo.order
    return Match(_value(best.log_odds), _strength(best.log_odds, flags), explanation)


def _value(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(log_odds / SCORE_TEMPERATURE, 700.0), -700.0)))


def prepare_query(query: LookupQuery, frequencies: Mapping[str, int], total: int) -> PreparedQuery:
    """Prepare `query` for scoring a lookup's candidates: `prepare_query(q, f, t).score(r) == score(q, r, f, t)`."""
    return PreparedQuery(query, frequencies, total)


_last_prepared: PreparedQuery | None = None


def score(query: LookupQuery, record: PersonRecord, frequencies: Mapping[str, int], total: int) -> Match:
    """Score one registry record against a query.

    `frequencies` holds registry-wide counts for `query_frequency_keys(query)` (missing keys count 0); `total` is the
    registry size. The best reading of the query (token order, declension) is the one reported.

    Callers scoring many candidates for one query should use `prepare_query`; this function keeps the last prepared
    query and reuses it while the same (query, frequencies, total) keep coming, so a loop of `score` calls gets
    most of the benefit too.
    """
    global _last_prepared  # a one-entry cache; replacing the reference is atomic
    prepared = _last_prepared
    if prepared is None or not prepared.fits(query, frequencies, total):
        prepared = _last_prepared = PreparedQuery(query, frequencies, total)
    return prepared.score(record)
