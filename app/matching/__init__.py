"""Registry lookup engine: normalization, retrieval keys, field-by-field scoring with explanations.

Pure functions, no database: the storage layer keeps `record_keys` in an indexed (person_id, key) table and counts
of `frequency_keys`, probes `query_keys`, and scores each candidate (`score`, or `prepare_query` once per lookup and
its `value` / `score` per candidate). `memory_index.MemoryIndex` is the reference implementation of that contract.
See docs/matching.md.
"""

from app.matching.keys import frequency_keys, query_frequency_keys, query_keys, record_keys
from app.matching.model import FieldExplanation, LookupQuery, Match, PersonRecord, Strength, Verdict
from app.matching.parse import Interpretation, interpret
from app.matching.scoring import PreparedQuery, prepare_query, score

__all__ = [
    "FieldExplanation",
    "Interpretation",
    "LookupQuery",
    "Match",
    "PersonRecord",
    "PreparedQuery",
    "Strength",
    "Verdict",
    "frequency_keys",
    "interpret",
    "prepare_query",
    "query_frequency_keys",
    "query_keys",
    "record_keys",
    "score",
]
