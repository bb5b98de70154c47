"""Optimistic concurrency for cases: the version is the `ETag`; every change must send it back in `If-Match`.

A change without `If-Match` is refused with 428, one with a stale version with 412, and nothing is written in
either case. The check runs on a row locked with `get_case_for(..., for_update=True)`, so two officers sending the
same version one after the other cannot both pass it: the second sees the first one's new version.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from app.cases.models import Case
from app.errors import PreconditionFailed, PreconditionRequired


def etag(case: Case) -> str:
    return f'"{case.version}"'


def _versions(if_match: str) -> set[str]:
    tags = set()
    for part in if_match.split(","):
        tag = part.strip()
        tag = tag.removeprefix("W/")
        tags.add(tag.strip('"'))
    return tags


def require_version(case: Case, if_match: str | None) -> None:
    """Refuse the change unless `if_match` names the case's current version."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Changing a case needs its current ETag in the If-Match header (read the case first).",
            errors=[{"header": "If-Match", "detail": "required"}],
        )
    if if_match.strip() == "*" or str(case.version) not in _versions(if_match):
        raise PreconditionFailed(
            "Someone else changed this case since you read it. Reload it, check the change, then try again.",
            errors=[{"header": "If-Match", "detail": "does not match the case's current version"}],
        )


def if_match_header(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=200,
            description="The case's ETag as last read. Required for every change to a case.",
        ),
    ] = None,
) -> str | None:
    return if_match


IfMatchDep = Annotated[str | None, Depends(if_match_header)]
