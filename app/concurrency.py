"""Optimistic concurrency over HTTP, for any versioned record: the version is the `ETag`; a change sends it back.

A record with a `version` column (`__mapper_args__ = {"version_id_col": version}`) answers every read and every
change with `ETag: "<version>"`. A change must send the ETag it last read in `If-Match`: without it the change is
refused with 428, with a stale one with 412, and nothing is written in either case. `If-Match: *` is refused like a
stale tag: it would skip the very check this exists for.

Callers check on a row they have locked (`SELECT ... FOR UPDATE` with `populate_existing`), so two people sending
the same version one after the other cannot both pass: the second sees the first one's new version. The version
moves on every flush that updates the row; a change that only touches child rows (a handover's travellers, a
point's crossings) must touch the parent row too, or its ETag would not move.

The rules are the ones `app.cases.concurrency` applies to cases (same header parsing, same 412/428 problems); that
module is specific to cases (its type and its messages), this one is shared by the other domains.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, Header

from app.errors import PreconditionFailed, PreconditionRequired


class Versioned(Protocol):
    """Anything with an integer `version`: a model with a version column, or a response schema showing it."""

    @property
    def version(self) -> int: ...


def etag(obj: Versioned) -> str:
    """The strong entity tag of `obj`'s current version, quoted as HTTP wants it."""
    return f'"{obj.version}"'


def _versions(if_match: str) -> set[str]:
    return {part.strip().removeprefix("W/").strip('"') for part in if_match.split(",")}


def require_version(obj: Versioned, if_match: str | None, *, noun: str) -> None:
    """Refuse the change unless `if_match` names `obj`'s current version; `noun` names it in the problem text."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"Changing {noun} needs its current ETag in the If-Match header (read it first).",
            errors=[{"header": "If-Match", "detail": "required"}],
        )
    if if_match.strip() == "*" or str(obj.version) not in _versions(if_match):
        raise PreconditionFailed(
            f"Someone else changed {noun} since you read it. Reload it, check the change, then try again.",
            errors=[{"header": "If-Match", "detail": "does not match the current version"}],
        )


def if_match_header(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=200,
            description="The record's ETag as last read. Required for every change to it.",
        ),
    ] = None,
) -> str | None:
    return if_match


IfMatchDep = Annotated[str | None, Depends(if_match_header)]

PRECONDITION_RESPONSES: dict[int | str, dict[str, str]] = {
    412: {"description": "Changed by someone else since you read it (stale If-Match); nothing was changed"},
    428: {"description": "If-Match missing; nothing was changed"},
}
"""OpenAPI `responses` entries for routes that need If-Match."""
