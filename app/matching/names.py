"""Given names and patronymics: canonical name ids through the variant table, and name-token classification.

Surnames need no table: their phonetic skeleton (see `translit`) already merges Russian, Ukrainian and Latin
spellings. Given names do not always: Микола/Николай, Юхим/Ефим, Саша/Александр differ in their consonants. The
table in `data/given_names.txt` (sources in its header and in docs/matching.md) maps every Russian canonical name,
its Ukrainian forms and its diminutives onto one **canonical id** (the vowel skeleton of the Russian canonical
form). Lookup goes by vowel skeleton first (so every transliteration of a listed form is found), then by consonant
skeleton of the canonical and Ukrainian forms (so letter-by-letter transcriptions such as Миколай or Владімір are
found too). A name the table does not know gets the pseudo-id ``~<consonant skeleton>``, which the same name in any
spelling shares.

A patronymic is reduced to its father's name (Миколайович → Микола → id of Николай), so Ukrainian and Russian
patronymics meet even where the suffixes differ (-ійович/-еевич, -ович/-евич).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from rapidfuzz.distance import OSA, Levenshtein

from app.matching.normalize import clean_token
from app.matching.translit import consonant_skeleton, latin_base, skeleton_from_vowels, vowel_skeleton

FormKind = Literal["canonical", "ukrainian", "diminutive"]


@dataclass(frozen=True, slots=True)
class NameVariant:
    """One reading of a given-name token: the canonical name it stands for and how it relates to it."""

    canonical_id: str
    canonical: str
    kind: FormKind
    ambiguity: int  # how many canonical names this form can stand for (Слава → 5)


@dataclass(frozen=True, slots=True)
class _Table:
    by_vowels: dict[str, tuple[NameVariant, ...]]
    by_consonants: dict[str, tuple[tuple[str, NameVariant], ...]]
    display: dict[str, str]
    spellings: tuple[tuple[str, str], ...]  # (form as listed, canonical id) for every form of every name


def _load_table() -> _Table:
    text = resources.files("app.matching").joinpath("data/given_names.txt").read_text(encoding="utf-8")
    by_vowels: dict[str, dict[str, tuple[str, FormKind]]] = {}
    by_consonants: dict[str, dict[str, tuple[str, FormKind]]] = {}  # consonants -> {form vowels: (id, kind)}
    display: dict[str, str] = {}
    spellings: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, _gender, ukrainian, diminutives = [*line.split("\t"), "", "", ""][:4]
        cid = vowel_skeleton(canonical)
        display.setdefault(cid, canonical)
        forms: list[tuple[str, FormKind]] = [(canonical, "canonical")]
        forms += [(f.strip(), "ukrainian") for f in ukrainian.split(",") if f.strip()]
        forms += [(f.strip(), "diminutive") for f in diminutives.split(",") if f.strip()]
        for form, kind in forms:
            spellings.append((form, cid))
            slot = by_vowels.setdefault(vowel_skeleton(form), {})
            if cid not in slot or _rank(kind) < _rank(slot[cid][1]):
                slot[cid] = (form, kind)
            if kind != "diminutive":
                cons = by_consonants.setdefault(consonant_skeleton(form), {})
                cons.setdefault(vowel_skeleton(form), (cid, kind))

    def freeze(index: dict[str, dict[str, tuple[str, FormKind]]]) -> dict[str, tuple[NameVariant, ...]]:
        out: dict[str, tuple[NameVariant, ...]] = {}
        for key, slot in index.items():
            n = len(slot)
            out[key] = tuple(NameVariant(cid, display[cid], kind, n) for cid, (_form, kind) in sorted(slot.items()))
        return out

    consonants = {
        key: tuple((vowels, NameVariant(cid, display[cid], kind, len(slot))) for vowels, (cid, kind) in slot.items())
        for key, slot in by_consonants.items()
    }
    return _Table(freeze(by_vowels), consonants, display, tuple(spellings))


def _rank(kind: FormKind) -> int:
    return {"canonical": 0, "ukrainian": 1, "diminutive": 2}[kind]


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _load_table()


def canonical_display(canonical_id: str) -> str:
    """The Russian canonical spelling for a table id (or the id itself for pseudo-ids)."""
    return _table().display.get(canonical_id, canonical_id)


@lru_cache(maxsize=100_000)
def given_variants(token: str) -> tuple[NameVariant, ...]:
    """Readings of a given-name token through the variant table; empty when the table does not know the name."""
    table = _table()
    vowels = vowel_skeleton(token)
    if not vowels:
        return ()
    found = table.by_vowels.get(vowels)
    if found:
        return found
    return _by_consonants(vowels)


_MIN_CONSONANT_SIMILARITY = 0.7


def _by_consonants(vowels: str) -> tuple[NameVariant, ...]:
    """Table forms sharing the consonant skeleton and most of the vowels (Миколай ~ Микола, not Амур ~ Мария)."""
    cons = skeleton_from_vowels(vowels)
    if len(cons) < 3:
        return ()
    seen: dict[str, NameVariant] = {}
    for form_vowels, variant in _table().by_consonants.get(cons, ()):
        if Levenshtein.normalized_similarity(vowels, form_vowels) >= _MIN_CONSONANT_SIMILARITY:
            seen.setdefault(variant.canonical_id, variant)
    return tuple(seen.values())


@lru_cache(maxsize=100_000)
def given_ids(token: str) -> tuple[str, ...]:
    """Canonical ids a given-name token stands for; ``("~<consonant skeleton>",)`` for names the table lacks."""
    variants = given_variants(token)
    if variants:
        return tuple(v.canonical_id for v in variants)
    cons = consonant_skeleton(token)
    return (f"~{cons}",) if cons else ()


_MIN_NEAR_LENGTH = 5


def _deletions(text: str) -> set[str]:
    return {text} | {text[:i] + text[i + 1 :] for i in range(len(text))}


@lru_cache(maxsize=1)
def _near_index() -> tuple[dict[str, tuple[tuple[str, str], ...]], dict[str, tuple[tuple[str, str], ...]]]:
    """Symmetric-deletion indexes of the table's forms, (form, canonical id) per key.

    One is keyed by the vowel skeleton and its one-letter deletions, the other by the consonant skeleton and its
    deletions, with the form written letter for letter (`latin_base`): a typo that the skeleton's glide rules blur
    (Ниолай: "io" reads as ё) is still one edit away from the letter-for-letter form.
    """
    by_vowels: dict[str, list[tuple[str, str]]] = {}
    by_consonants: dict[str, list[tuple[str, str]]] = {}
    for form, canonical_id in _table().spellings:
        vowels = vowel_skeleton(form)
        if len(vowels) >= _MIN_NEAR_LENGTH - 1:
            for key in _deletions(vowels):
                by_vowels.setdefault(key, []).append((vowels, canonical_id))
        letters = latin_base(clean_token(form))
        if len(letters) >= _MIN_NEAR_LENGTH - 1:
            for key in _deletions(consonant_skeleton(form)):
                by_consonants.setdefault(key, []).append((letters, canonical_id))
    return (
        {key: tuple(dict.fromkeys(entries)) for key, entries in by_vowels.items()},
        {key: tuple(dict.fromkeys(entries)) for key, entries in by_consonants.items()},
    )


@lru_cache(maxsize=100_000)
def near_given_ids(token: str) -> tuple[str, ...]:
    """Ids of table names one typo away from a given name the table does not know (Ниолай, Срегей → Николай, Сергей).

    For retrieval only: a query whose given name is misspelt still probes the keys of the name meant, while scoring
    compares the spellings themselves and calls the agreement "similar", not "variant". Names shorter than five
    letters are left alone: one edit turns too many of them into another name.
    """
    if given_variants(token):
        return ()
    vowels = vowel_skeleton(token)
    letters = latin_base(clean_token(token))
    if len(vowels) < _MIN_NEAR_LENGTH and len(letters) < _MIN_NEAR_LENGTH:
        return ()
    by_vowels, by_consonants = _near_index()
    found: set[str] = set()
    for key in _deletions(vowels):
        found.update(cid for form, cid in by_vowels.get(key, ()) if OSA.distance(vowels, form) <= 1)
    for key in _deletions(consonant_skeleton(token)):
        found.update(cid for form, cid in by_consonants.get(key, ()) if OSA.distance(letters, form) <= 1)
    return tuple(sorted(found))[:3]


# Patronymic suffixes on the vowel skeleton, with the case endings a declined form may add.
# Ukrainian patronymics of names in -ій/-ай/-ей also take "-ївич/-івич" (Миколаївич, Андріївич, Юріївич), which the
# skeleton writes "ivic" after a vowel-final stem.
_PATRONYMIC = re.compile(
    r"^(?P<stem>.+?)(?P<suffix>ovic|evic|ivic|ovn|evn|ivn|ic|icn|inicn)(?P<ending>a|u|e|em|om|i|oi|ei)?$"
)
_MALE_STRONG = re.compile(r"(ovic|evic|[aeiou]ivic)(a|u|e|em|om)?$")
_FEMALE_STRONG = re.compile(r"(ovn|evn|icn|[aeiou]ivn)(a|i|e|u|oi|ei)$")
_WEAK_PATRONYMIC = re.compile(r"^(?P<stem>.+?)ic(a|u|e|em|om)?$")


@lru_cache(maxsize=100_000)
def looks_like_patronymic(token: str) -> bool:
    """True for tokens ending like a patronymic (-ович/-евич/-овна/-евна/-ична in any script and case).

    Short "-ич" patronymics (Ильич, Кузьмич) count only when their stem is a known given name, because many
    surnames end in -ич too (Бабич, Петрович as a surname is the unavoidable exception).
    """
    vowels = vowel_skeleton(token)
    if _MALE_STRONG.search(vowels) or _FEMALE_STRONG.search(vowels):
        return True
    m = _WEAK_PATRONYMIC.match(vowels)
    if m is None:
        return False
    stems = [m.group("stem")]
    if m.group("stem").endswith("iv"):
        stems.append(m.group("stem")[:-2])  # Андріївич: Андрій + "ївич"
    return any(_father_from_stem(stem, strict=True) is not None for stem in stems)


def _father_from_stem(stem: str, *, strict: bool) -> str | None:
    table = _table()
    candidates = [stem, stem + "i", stem + "a", stem + "o", stem + "ei", stem + "ia"]
    if stem.endswith("l"):
        candidates.append(stem[:-1])  # Яковлевич → Яков, Павлович keeps its l
    for cand in candidates:
        found = table.by_vowels.get(cand)
        if found and found[0].kind != "diminutive":
            return found[0].canonical_id
    found_c = _by_consonants(stem)
    if found_c:
        return found_c[0].canonical_id
    cons = skeleton_from_vowels(stem)
    return None if strict else (f"~{cons}" if cons else None)


@lru_cache(maxsize=100_000)
def father_id(token: str) -> str | None:
    """Canonical id of the father's name a patronymic is built on; pseudo-id for unknown names, None if not one.

    Both "-ович" readings are tried (Якович may be Яків+ович or Як+ович), the table decides.
    """
    vowels = vowel_skeleton(token)
    m = _PATRONYMIC.match(vowels)
    if m is None:
        cons = consonant_skeleton(token)
        return f"~{cons}" if cons else None
    stem, suffix = m.group("stem"), m.group("suffix")
    stems = [stem]
    if suffix in ("ovic", "ovn"):
        stems.append(stem + "ov")
    if suffix == "evic":
        stems.append(stem + "ev")
    for candidate in stems:
        found = _father_from_stem(candidate, strict=True)
        if found is not None:
            return found
    return _father_from_stem(stem, strict=False)


@lru_cache(maxsize=100_000)
def is_known_given_name(token: str) -> bool:
    """True when the variant table knows the token (any spelling, any listed diminutive)."""
    return bool(given_variants(token))


_SURNAME_ENDINGS = re.compile(
    r"(ov|ev|in|skii|cki|ski|ckii|enko|uk|iuk|cuk|ik|ak|ic|iv|ih|ih|ii|oi|ko|ian|idze|svili|ova|eva|ina|ska|ovi|ovu|ovim)$"
)


@lru_cache(maxsize=100_000)
def looks_like_surname(token: str) -> bool:
    """Weak evidence that a token is a surname: a typical Russian/Ukrainian surname ending."""
    return bool(_SURNAME_ENDINGS.search(vowel_skeleton(token)))
