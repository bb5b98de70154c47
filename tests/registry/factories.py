"""Registry test data: CSV files built in memory, and imports run through the real pipeline."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.registry import imports
from app.registry.models import RegistryImport
from app.transaction import unit_of_work

BASE_COLUMNS = (
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

IVANOV_UA = {
    "source": "list-a",
    "source_record_id": "A-1",
    "status": "in_captivity",
    "surname": "Іванов",
    "given_name": "Сергій",
    "patronymic": "Петрович",
    "date_of_birth": "03.05.1998",
    "place_of_birth": "Харків",
    "rank": "рядовий",
    "service_number": "АБ-123456",
    "military_unit": "в/ч 12345",
}
IVANOV_RU = {
    "source": "list-b",
    "source_record_id": "B-7",
    "status": "deceased",
    "surname": "Иванов",
    "given_name": "Сергей",
    "patronymic": "Николаевич",
    "date_of_birth": "1985-02-11",
    "place_of_birth": "Тула",
    "rank": "сержант",
    "service_number": "ВК-555111",
    "military_unit": "в/ч 54321",
}
KUZNETSOV = {
    "source": "list-a",
    "source_record_id": "A-2",
    "status": "in_captivity",
    "surname": "Кузнецов",
    "given_name": "Александр",
    "patronymic": "Игоревич",
    "date_of_birth": "1999-12-07",
    "place_of_birth": "Курск",
    "rank": "рядовой",
    "service_number": "КМ-777001",
    "military_unit": "в/ч 11111",
}
FILLER = [
    {**IVANOV_RU, "source_record_id": "B-8", "given_name": "Андрей", "patronymic": "Павлович", "date_of_birth": "1979"},
    {**KUZNETSOV, "source_record_id": "A-3", "given_name": "Дмитрий", "date_of_birth": "1990-01-15"},
    {**KUZNETSOV, "source_record_id": "A-4", "surname": "Петров", "date_of_birth": "1999-07-12"},
    {**IVANOV_UA, "source_record_id": "A-5", "surname": "Коваленко", "given_name": "Олексій"},
]
EXAMPLES = [IVANOV_UA, IVANOV_RU, KUZNETSOV, *FILLER]


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = BASE_COLUMNS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def import_bytes(factory: sessionmaker[Session], data: bytes, *, filename: str = "list.csv") -> RegistryImport:
    """Run an import the way the command line does, committing batch by batch."""
    with unit_of_work(factory) as session:
        return imports.import_file(session, io.BytesIO(data), filename=filename, size_bytes=len(data))


def import_rows(factory: sessionmaker[Session], rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> RegistryImport:
    return import_bytes(factory, csv_bytes(rows, kwargs.pop("columns", BASE_COLUMNS)), **kwargs)


def generated_rows(count: int, *, source: str = "bulk", start: int = 0) -> Iterable[dict[str, str]]:
    """Plausible distinct persons, cheap to make: names cycle through short lists, ids and dates vary."""
    surnames = ("Иванов", "Петренко", "Smirnov", "Коваль", "Kuznetsov", "Сидоров", "Мельник", "Волков", "Лысенко")
    givens = ("Сергей", "Олександр", "Dmitry", "Андрей", "Іван", "Maksim", "Павел", "Юрій", "Никита", "Егор")
    fathers = ("Петрович", "Іванович", "Sergeevich", "Николаевич", "", "Олегович", "Андреевич")
    for n in range(start, start + count):
        yield {
            "source": source,
            "source_record_id": f"R{n:07d}",
            "status": ("in_captivity", "deceased", "released")[n % 3],
            "surname": surnames[n % len(surnames)] + ("" if n % 5 else "ко"),
            "given_name": givens[(n // 7) % len(givens)],
            "patronymic": fathers[(n // 3) % len(fathers)],
            "date_of_birth": f"{1960 + n % 45}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "place_of_birth": "Тула",
            "rank": "рядовой",
            "service_number": f"AB-{n:06d}",
            "military_unit": f"в/ч {10000 + n % 900}",
        }
