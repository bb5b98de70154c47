"""Shared fixtures for the lookup engine tests: a small hand-made registry with near-miss distractors."""

from __future__ import annotations

import pytest

from app.matching.memory_index import MemoryIndex
from app.matching.model import PersonRecord

SMALL_REGISTRY: dict[str, PersonRecord] = {
    "ua-ivanov": PersonRecord("Іванов", "Сергій", "Петрович", "1998-05-03", service_number="АВ-123456"),
    "ru-ivanov-older": PersonRecord("Иванов", "Сергей", "Петрович", "1979-11-20"),
    "ru-ivanov-pavlovich": PersonRecord("Иванов", "Сергей", "Павлович", "1991-02-14"),
    "ru-ivanova-nikolai": PersonRecord("Иванов", "Николай", "Сергеевич", "1985-06-30"),
    "kuznetsov-alexander": PersonRecord("Кузнецов", "Александр", "Иванович", "1999-12-07"),
    "kuznetsov-alexei": PersonRecord("Кузнецов", "Алексей", "Иванович", "1989-03-02"),
    "yolkin": PersonRecord("Ёлкин", "Пётр", "Семёнович", "1987-04-22"),
    "darya-apostrophe": PersonRecord("Дем'яненко", "Дмитро", "Олегович", "1993-09-09"),
    "service-number": PersonRecord("Заякин", "Руслан", "Викторович", "1988-07-26", service_number="HH885911"),
    "off-by-one": PersonRecord("Белозёров", "Виктор", "Андреевич", "1990-08-15"),
    "latin": PersonRecord("Horodynskyi", "Oleksandr", None, "1998-04-29"),
}


@pytest.fixture(scope="module")
def small_index() -> MemoryIndex[str]:
    """The small registry, indexed."""
    index: MemoryIndex[str] = MemoryIndex()
    index.add_all(SMALL_REGISTRY.items())
    return index
