"""Sentences a case officer reads: why two spellings of a name were taken as the same name.

Only wording lives here; the decisions are made in `scoring`. Every sentence names both spellings, so an officer
can judge the reasoning without knowing how the engine works ("surname: Іванов ≈ Иванов (Ukrainian spelling)").
"""

from __future__ import annotations

from app.matching.names import NameVariant, canonical_display, given_variants
from app.matching.normalize import clean_token, exact_form, looks_ukrainian, script_of


def spelling_reasons(query_text: str, record_text: str) -> list[str]:
    """Why two different spellings of one name differ: script, Ukrainian spelling, ё/е."""
    reasons: list[str] = []
    q_script, r_script = script_of(query_text), script_of(record_text)
    if q_script != r_script:
        reasons.append("transliteration")
    elif q_script == "latin":
        reasons.append("another transliteration standard")
    elif looks_ukrainian(query_text) or looks_ukrainian(record_text):
        reasons.append("Ukrainian spelling")
    if exact_form(query_text) != clean_token(query_text) or exact_form(record_text) != clean_token(record_text):
        reasons.append("ё/е")
    return reasons


def same_name(query_text: str, record_text: str, *, declined_from: str | None, fallback: str) -> str:
    """The sentence "Q ≈ R (reasons)" for two spellings judged to be one name."""
    reasons = []
    if declined_from is not None:
        reasons.append(f"declined form, nominative {declined_from}")
    reasons += spelling_reasons(declined_from or query_text, record_text)
    if not reasons:
        reasons.append(fallback)
    return f"{query_text} ≈ {record_text} ({', '.join(dict.fromkeys(reasons))})"


def _kind_for(text: str, canonical_id: str) -> NameVariant | None:
    return next((v for v in given_variants(text) if v.canonical_id == canonical_id), None)


def given_relation(query_text: str, record_text: str, canonical_id: str, *, declined_from: str | None) -> str:
    """Explain why a given name in the inquiry stands for the recorded one (nickname, Ukrainian form, …)."""
    canonical = canonical_display(canonical_id)
    base = declined_from or query_text
    q_variant = _kind_for(base, canonical_id)
    r_variant = _kind_for(record_text, canonical_id)
    parts: list[str] = []
    if declined_from is not None:
        parts.append(f"declined form, nominative {declined_from}")
    if q_variant is not None and q_variant.kind == "diminutive":
        ambiguous = (
            f" (it can also stand for {q_variant.ambiguity - 1} other name(s))" if q_variant.ambiguity > 1 else ""
        )
        parts.append(f"{base} is a diminutive of {canonical}{ambiguous}")
    elif q_variant is not None and q_variant.kind == "ukrainian":
        parts.append(f"{base} is the Ukrainian form of {canonical}")
    if r_variant is not None and r_variant.kind == "ukrainian":
        parts.append(f"{record_text} is the Ukrainian form of {canonical}")
    elif r_variant is not None and r_variant.kind == "diminutive":
        parts.append(f"{record_text} is a diminutive of {canonical}")
    parts += spelling_reasons(base, record_text)
    if not parts:
        parts.append("spelling variant of the same name")
    return f"{query_text} ≈ {record_text} ({'; '.join(dict.fromkeys(parts))})"
