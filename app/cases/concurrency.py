"""Optimistic concurrency for cases, on the shared rules of `app.concurrency` (ETag = version, If-Match required).

The check runs on a row locked with `get_case_for(..., for_update=True)`, so two officers sending the same version
one after the other cannot both pass it: the second sees the first one's new version.
"""

from __future__ import annotations

from app import concurrency
from app.cases.models import Case
from app.concurrency import IfMatchDep, etag

__all__ = ["IfMatchDep", "etag", "require_version"]


def require_version(case: Case, if_match: str | None) -> None:
    """Refuse the change unless `if_match` names the case's current version (428 when missing, 412 when stale)."""
    concurrency.require_version(case, if_match, noun="this case")
