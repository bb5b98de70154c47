"""Synthetic registries for the benchmarks, drawn from the development set's own distributions.

Each synthetic person takes the script of a randomly chosen development row (Russian Cyrillic, Ukrainian Cyrillic or
Latin, detected from the letters) and draws his surname, given name, patronymic, birth date shape, place, rank,
status and unit independently from the development rows written in that script, each with its real frequency.
Common surname and given-name pairs therefore recur as they do in real lists, and the keys see realistic posting
list lengths. Service numbers are fresh random ones in the formats the development set uses.

The development registry itself can be embedded at random positions, so its labelled queries can be run against
the big registry.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "matching"
HARD = ROOT / "tests" / "data" / "matching-hard"
COLUMNS = (
    "source",
    "source_record_id",
    "status",
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "place_of_birth",
    "rank",
    "service_number",
    "military_unit",
)
_UA = re.compile(r"[іїєґІЇЄҐ]")
_LATIN = re.compile(r"[A-Za-z]")


def script_of(row: dict[str, str]) -> str:
    text = f"{row['surname']} {row['given_name']} {row['patronymic']}"
    if _LATIN.search(text):
        return "latin"
    return "ua" if _UA.search(text) else "ru"


class Distribution:
    """Per-script pools of the development registry's values (a value appears as often as in the rows)."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = rows
        self.scripts = [script_of(r) for r in rows]
        self.pools: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row, script in zip(rows, self.scripts, strict=True):
            for column in ("surname", "given_name", "patronymic"):
                self.pools[script][column].append(row[column])
        self.common: dict[str, list[str]] = {
            c: [r[c] for r in rows] for c in ("status", "place_of_birth", "rank", "military_unit", "source")
        }
        self.years = [int(r["date_of_birth"][:4]) for r in rows if r["date_of_birth"]]
        self.year_only = sum(1 for r in rows if len(r["date_of_birth"]) == 4) / len(rows)

    def person(self, rng: random.Random, record_id: str) -> dict[str, str]:
        pools = self.pools[rng.choice(self.scripts)]
        year = rng.choice(self.years)
        dob = (
            f"{year}" if rng.random() < self.year_only else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
        letters = "АБВГДЕКМНОРСТХ"
        number = rng.randint(100000, 999999)
        service = f"{rng.choice(letters)}{rng.choice(letters)}-{number}" if rng.random() < 0.8 else f"{number}"
        return {
            "source": "synthetic-" + rng.choice(self.common["source"]).rsplit("-", 1)[-1],
            "source_record_id": record_id,
            "status": rng.choice(self.common["status"]),
            "surname": rng.choice(pools["surname"]),
            "given_name": rng.choice(pools["given_name"]),
            "patronymic": rng.choice(pools["patronymic"]),
            "date_of_birth": dob,
            "place_of_birth": rng.choice(self.common["place_of_birth"]),
            "rank": rng.choice(self.common["rank"]),
            "service_number": service,
            "military_unit": rng.choice(self.common["military_unit"]),
        }


def load_dev_registry(data: Path = DEV) -> list[dict[str, str]]:
    with (data / "registry.csv").open(encoding="utf-8", newline="") as fh:
        return [{c: row.get(c, "") for c in COLUMNS} for row in csv.DictReader(fh)]


def synthetic_rows(
    total: int, *, embed_dev: bool, embed_hard: bool = False, seed: int = 20261128
) -> Iterator[dict[str, str]]:
    """`total` rows: synthetic persons, with the development registry (and the hard one) mixed in at random
    positions if asked."""
    rng = random.Random(seed)
    dev = load_dev_registry()
    dist = Distribution(dev)
    embedded = (dev if embed_dev else []) + (load_dev_registry(HARD) if embed_hard else [])
    rng.shuffle(embedded)
    positions = set(rng.sample(range(total), len(embedded))) if embedded else set()
    dev_iter = iter(embedded)
    synthetic = 0
    for index in range(total):
        if index in positions:
            yield next(dev_iter)
        else:
            yield dist.person(rng, f"S{synthetic:08d}")
            synthetic += 1


def write_csv(path: Path, rows: Iterator[dict[str, str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/synthetic-registry.csv")
    print(write_csv(out, synthetic_rows(n, embed_dev=True)), "rows ->", out)
