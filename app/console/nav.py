"""The console's navigation: each screen module registers its entries; a member of staff sees those their roles
allow (the same permission the screen's route declares)."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.permissions import Permission


@dataclass(frozen=True, slots=True)
class NavEntry:
    key: str
    label: str
    """English source text (marked with `N_`), translated when shown."""
    path: str
    permission: Permission
    order: int
    shortcut: str | None = None
    """An access key (Alt+Shift+<key> in Chromium), shown next to the label."""


_ENTRIES: dict[str, NavEntry] = {}


def add(entry: NavEntry) -> None:
    """Register a navigation entry (idempotent per key, so a re-imported module does not duplicate it)."""
    _ENTRIES[entry.key] = entry


def visible(permissions: frozenset[Permission]) -> list[NavEntry]:
    return sorted((e for e in _ENTRIES.values() if e.permission in permissions), key=lambda e: (e.order, e.key))


def home_for(permissions: frozenset[Permission]) -> str:
    """Where a member of staff lands after signing in: their first screen."""
    entries = visible(permissions)
    return entries[0].path if entries else "/staff/account"
