"""Lookup storage: the engine's keys in indexed tables, on SQLite and PostgreSQL alike.

The contract is `app.matching.memory_index.MemoryIndex`, and this module gives the same results:

* `registry_key(key, person_id)` holds `record_keys` of every person (and of his alternate spellings); a lookup is one
  index-only probe `WHERE key IN (...) GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT cap`, the
  `person_id` tie-break standing for the memory index's insertion order (ids are assigned in import order).
* `registry_key_count(key, count)` holds how many persons carry each of `frequency_keys`, and under `TOTAL_KEY` the
  number of persons: the scorer's frequencies come from one indexed query.

Key strings are stored as signed 64-bit BLAKE2b digests: an eighth of the index size of text keys, integer
comparisons, and no collation costs. At a billion distinct keys a collision has a probability below 3 %, and a
collision only adds a candidate that the scorer then rejects.

The write helpers take the raw DB-API cursor of the session's connection: the import writes a hundred thousand key
rows a second, which the ORM's per-row bookkeeping could not sustain.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

from app.db import is_postgresql
from app.errors import Conflict
from app.matching import (
    LookupQuery,
    Match,
    PersonRecord,
    frequency_keys,
    prepare_query,
    query_frequency_keys,
    query_keys,
    record_keys,
)
from app.matching.keys import KEY_SCHEME

CANDIDATE_CAP = 100
"""Retrieved persons scored per lookup (the best-keyed first); results equal `MemoryIndex(candidate_cap=100)`.

Scoring is most of a lookup's time (~25 µs a candidate since queries are prepared once), so the cap sets the
latency. Measured at 1,000,000 persons on SQLite (`make bench-lookup`, before that speed-up): cap 300 (the engine's
default) p50 13.6 ms, recall@10 0.9958; cap 150 7.4 ms, 0.9950; cap 100 5.1 ms, 0.9938; cap 50 3.1 ms, 0.9900;
with it, cap 100 runs at p50 4.0 ms. On the 30,000-person development set caps 100 and 300 give identical results.
100 keeps recall within 0.2 points of 300 and the lookup well over 50 times faster than an exhaustive scan."""


@lru_cache(maxsize=1 << 18)
def digest(key: str) -> int:
    """The stored form of an engine key: its BLAKE2b-64 digest as a signed integer (cached: keys recur)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


TOTAL_KEY = digest("\x00registry:total-persons")
"""The `registry_key_count` row that holds the number of registry persons."""
SCHEME_KEY = digest("\x00registry:key-scheme")
"""The `registry_key_count` row that holds the key scheme (`app.matching.keys.KEY_SCHEME`) the stored keys follow."""


class RegistryKeysStale(Conflict):
    code, title = "registry-keys-stale", "The registry's lookup keys are out of date"


def split_alternate(name: str) -> tuple[str | None, str | None, str | None]:
    """An alternate full name as lists write it: surname, given name, patronymic (extra words join the surname)."""
    words = name.split()
    if not words:
        return None, None, None
    if len(words) <= 3:
        padded = [*words, None, None]
        return padded[0], padded[1], padded[2]
    return " ".join(words[:-2]), words[-2], words[-1]


def person_records(fields: Mapping[str, Any]) -> list[PersonRecord]:
    """The engine records of one registry person: as recorded first, then one per alternate spelling."""
    main = PersonRecord(
        surname=fields.get("surname"),
        given_name=fields.get("given_name"),
        patronymic=fields.get("patronymic"),
        date_of_birth=fields.get("date_of_birth"),
        place_of_birth=fields.get("place_of_birth"),
        service_number=fields.get("service_number"),
        military_unit=fields.get("military_unit"),
    )
    records = [main]
    for alternate in fields.get("alternate_names") or ():
        surname, given, patronymic = split_alternate(alternate)
        records.append(
            PersonRecord(
                surname=surname,
                given_name=given,
                patronymic=patronymic,
                date_of_birth=main.date_of_birth,
                place_of_birth=main.place_of_birth,
                service_number=main.service_number,
                military_unit=main.military_unit,
            )
        )
    return records


def best_scored(
    query: LookupQuery,
    persons: Sequence[Mapping[str, Any]],
    frequencies: Mapping[str, int],
    total: int,
    *,
    limit: int,
) -> list[tuple[Match, Mapping[str, Any]]]:
    """The `limit` best of `persons` (fields as `person_records` reads them, with their "id"), best first.

    Equal to scoring each of a person's records with `score`, keeping his best (the first on a tie) and sorting by
    (-score, id), but faster: the query is prepared once (`prepare_query`) and every candidate is ranked on its score
    alone; only the persons returned are scored again with their explanation built.
    """
    prepared = prepare_query(query, frequencies, total)
    ranked: list[tuple[float, Mapping[str, Any], PersonRecord]] = []
    for fields in persons:
        records = person_records(fields)
        best, best_value = records[0], prepared.value(records[0])
        for record in records[1:]:
            value = prepared.value(record)
            if value > best_value:
                best, best_value = record, value
        ranked.append((best_value, fields, best))
    ranked.sort(key=lambda item: (-item[0], item[1]["id"]))
    return [(prepared.score(record), fields) for _, fields, record in ranked[:limit]]


def stored_keys(fields: Mapping[str, Any]) -> tuple[set[int], set[int]]:
    """(retrieval key digests, frequency key digests) of one person.

    Alternate spellings add retrieval keys (so the person is found under any of his names) but no frequency keys:
    the counts say how many *persons* bear a name, and one person counts once, under the name his list gives.
    """
    records = person_records(fields)
    retrieval: set[int] = set()
    for record in records:
        retrieval.update(digest(k) for k in record_keys(record))
    frequency = {digest(k) for k in frequency_keys(records[0])}
    return retrieval, frequency


# --- writing (raw DB-API cursors inside the session's transaction) ---------------------------------------------


def raw_connection(session: Session) -> Any:
    """The driver connection of the session's current transaction (sqlite3 or psycopg)."""
    return session.connection().connection.driver_connection


def insert_keys(session: Session, pairs: Sequence[tuple[int, int]]) -> None:
    """Store (key, person_id) pairs; pairs already present are left alone."""
    if not pairs:
        return
    ordered = sorted(pairs)
    raw = raw_connection(session)
    if is_postgresql(session):
        with raw.cursor() as cur:
            cur.execute(
                "INSERT INTO registry_key (key, person_id) SELECT * FROM unnest(%s::bigint[], %s::bigint[]) "
                "ON CONFLICT DO NOTHING",
                ([k for k, _ in ordered], [p for _, p in ordered]),
            )
        return
    cur = raw.cursor()
    cur.executemany("INSERT OR IGNORE INTO registry_key (key, person_id) VALUES (?, ?)", ordered)
    cur.close()


def copy_new_keys(session: Session, keys: Sequence[int], owners: Sequence[int]) -> None:
    """Store the keys of persons created in this transaction (`keys[i]` belongs to `owners[i]`; no conflict is
    possible): COPY on PostgreSQL, one executemany on SQLite, both in key order for index locality."""
    if not keys:
        return
    pairs = sorted(zip(keys, owners, strict=True))
    if not is_postgresql(session):
        cur = raw_connection(session).cursor()
        cur.executemany("INSERT INTO registry_key (key, person_id) VALUES (?, ?)", pairs)
        cur.close()
        return
    with raw_connection(session).cursor() as cur, cur.copy("COPY registry_key (key, person_id) FROM STDIN") as copy:
        copy.set_types(["int8", "int8"])
        for pair in pairs:
            copy.write_row(pair)


def delete_keys(session: Session, pairs: Sequence[tuple[int, int]]) -> None:
    """Remove (key, person_id) pairs by primary key."""
    if not pairs:
        return
    raw = raw_connection(session)
    if is_postgresql(session):
        with raw.cursor() as cur:
            cur.execute(
                "DELETE FROM registry_key k USING unnest(%s::bigint[], %s::bigint[]) AS d(key, person_id) "
                "WHERE k.key = d.key AND k.person_id = d.person_id",
                ([k for k, _ in pairs], [p for _, p in pairs]),
            )
        return
    cur = raw.cursor()
    cur.executemany("DELETE FROM registry_key WHERE key = ? AND person_id = ?", list(pairs))
    cur.close()


def add_counts(session: Session, deltas: Counter[int]) -> None:
    """Add signed deltas to the frequency counts; counts that reach zero are removed (as if never counted)."""
    changes = sorted((k, d) for k, d in deltas.items() if d)
    if not changes:
        return
    raw = raw_connection(session)
    decreased = [k for k, d in changes if d < 0]
    if is_postgresql(session):
        with raw.cursor() as cur:
            cur.execute(
                "INSERT INTO registry_key_count (key, count) SELECT * FROM unnest(%s::bigint[], %s::int[]) "
                "ON CONFLICT (key) DO UPDATE SET count = registry_key_count.count + excluded.count",
                ([k for k, _ in changes], [d for _, d in changes]),
            )
            if decreased:
                cur.execute("DELETE FROM registry_key_count WHERE key = ANY(%s::bigint[]) AND count <= 0", (decreased,))
        return
    cur = raw.cursor()
    cur.executemany(
        "INSERT INTO registry_key_count (key, count) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
        changes,
    )
    if decreased:
        cur.executemany("DELETE FROM registry_key_count WHERE key = ? AND count <= 0", [(k,) for k in decreased])
    cur.close()


def is_empty(session: Session) -> bool:
    """No person counted yet (read before a batch adds the first ones)."""
    return session.execute(text("SELECT 1 FROM registry_key_count WHERE key = :k"), {"k": TOTAL_KEY}).first() is None


def stamp_key_scheme(session: Session) -> None:
    """Record that the stored keys follow the engine's current scheme (after a rekey, or a first import)."""
    session.execute(text("DELETE FROM registry_key_count WHERE key = :k"), {"k": SCHEME_KEY})
    session.execute(
        text("INSERT INTO registry_key_count (key, count) VALUES (:k, :v)"), {"k": SCHEME_KEY, "v": KEY_SCHEME}
    )


def refresh_statistics(session: Session) -> None:
    """After bulk changes: fresh planner statistics, or PostgreSQL may scan the key table instead of probing it."""
    if is_postgresql(session):
        session.execute(text("ANALYZE registry_person, registry_key, registry_key_count"))
    else:
        session.execute(text("PRAGMA optimize"))


# --- reading -----------------------------------------------------------------------------------------------------

# One statement text whatever the number of keys: PostgreSQL prepares it once per connection and plans it cheaply.
_COUNTS_SQLITE = text("SELECT key, count FROM registry_key_count WHERE key IN :keys").bindparams(
    bindparam("keys", expanding=True)
)
_COUNTS_PG = text("SELECT key, count FROM registry_key_count WHERE key = ANY(CAST(:keys AS bigint[]))")


def candidate_rows(session: Session, query: LookupQuery, columns: Sequence[str], *, cap: int) -> list[Any]:
    """The persons sharing the most retrieval keys with the query (at most `cap`), best-keyed first, with the given
    `registry_person` columns: the key probe and the fetch in one statement, one round trip."""
    keys = sorted({digest(k) for k in query_keys(query)})
    if not keys:
        return []
    statement = _candidates_statement(tuple(columns), is_postgresql(session))
    return list(session.execute(statement, {"keys": keys, "cap": cap}))


@lru_cache(maxsize=8)
def _candidates_statement(columns: tuple[str, ...], postgresql: bool) -> TextClause:
    # On PostgreSQL `= ANY(array)`: one statement text whatever the number of keys, prepared once per connection.
    probe = "key = ANY(CAST(:keys AS bigint[]))" if postgresql else "key IN :keys"
    statement = text(
        f"SELECT {', '.join('p.' + c for c in columns)} FROM ("  # noqa: S608
        f"SELECT person_id, count(*) AS shared FROM registry_key WHERE {probe} "
        "GROUP BY person_id ORDER BY shared DESC, person_id LIMIT :cap"
        ") AS k JOIN registry_person AS p ON p.id = k.person_id ORDER BY k.shared DESC, k.person_id"
    )
    return statement if postgresql else statement.bindparams(bindparam("keys", expanding=True))


def frequencies(session: Session, query: LookupQuery) -> tuple[dict[str, int], int]:
    """The counts of the query's frequency keys (by key string, as `score` wants them) and the registry total."""
    wanted = {k: digest(k) for k in query_frequency_keys(query)}
    statement = _COUNTS_PG if is_postgresql(session) else _COUNTS_SQLITE
    rows = session.execute(statement, {"keys": sorted({*wanted.values(), TOTAL_KEY, SCHEME_KEY})})
    found: dict[int, int] = {int(k): int(c) for k, c in rows}
    total = found.get(TOTAL_KEY, 0)
    if total and found.get(SCHEME_KEY) != KEY_SCHEME:
        raise RegistryKeysStale(
            "The registry's lookup keys were built by an older version of the lookup engine "
            f"(key scheme {found.get(SCHEME_KEY, 'unknown')}, the engine uses {KEY_SCHEME}), so lookups would miss "
            "people. An administrator must run `liaison registry rekey` first.",
            stored_scheme=found.get(SCHEME_KEY),
            engine_scheme=KEY_SCHEME,
        )
    counts = {key: found[d] for key, d in wanted.items() if d in found}
    return counts, total


def count_deltas(keys: Iterable[int], sign: int, into: Counter[int]) -> None:
    for key in keys:
        into[key] += sign
