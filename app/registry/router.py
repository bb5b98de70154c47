from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep, reads_only
from app.matching import interpret
from app.metrics import observe_lookup
from app.pagination import Page, PageDep
from app.registry import imports, lookup, service
from app.registry.models import ConfirmationLevel, PersonStatus
from app.registry.policies import sees_restricted
from app.registry.schemas import (
    CandidateOut,
    ImportErrorOut,
    ImportOut,
    InterpretationOut,
    LookupIn,
    LookupOut,
    RegistryPersonOut,
    RegistryPersonRestrictedOut,
    person_out,
)

router = APIRouter(prefix="/api/v1/registry", tags=["registry"])
Importer = Annotated[StaffPrincipal, require(Permission.REGISTRY_IMPORT)]
Reader = Annotated[StaffPrincipal, require(Permission.REGISTRY_READ)]
Looker = Annotated[StaffPrincipal, require(Permission.REGISTRY_LOOKUP)]


@router.post("/imports", response_model=ImportOut, status_code=status.HTTP_202_ACCEPTED)
def upload_import(
    file: Annotated[UploadFile, File(description="CSV, UTF-8, columns as in docs/registry-format.md")],
    principal: Importer,
    session: SessionDep,
    response: Response,
) -> ImportOut:
    """Upload a registry list; it is imported by a background job. Follow its progress at the returned location."""
    job = imports.create_upload(session, actor=principal.actor, filename=file.filename or "", stream=file.file)
    response.headers["Location"] = f"/api/v1/registry/imports/{job.id}"
    return ImportOut.of(job)


@router.get("/imports", response_model=Page[ImportOut])
def list_imports(principal: Importer, session: SessionDep, page: PageDep) -> Page[ImportOut]:
    jobs, total = imports.list_imports(session, limit=page.limit, offset=page.offset)
    return Page(items=[ImportOut.of(j) for j in jobs], total=total, limit=page.limit, offset=page.offset)


@router.get("/imports/{import_id}", response_model=ImportOut)
def get_import(import_id: uuid.UUID, principal: Importer, session: SessionDep) -> ImportOut:
    """Status, progress and counts of one import."""
    return ImportOut.of(imports.get_import(session, import_id))


@router.get("/imports/{import_id}/errors", response_model=Page[ImportErrorOut])
def list_import_errors(
    import_id: uuid.UUID, principal: Importer, session: SessionDep, page: PageDep
) -> Page[ImportErrorOut]:
    """The rejected rows of an import: row, column and reason (never the rejected value)."""
    errors, total = imports.list_errors(session, import_id, limit=page.limit, offset=page.offset)
    return Page(
        items=[ImportErrorOut.model_validate(e) for e in errors], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/persons", response_model=Page[RegistryPersonRestrictedOut] | Page[RegistryPersonOut])
def search_persons(
    principal: Reader,
    session: SessionDep,
    page: PageDep,
    source: Annotated[str | None, Query(max_length=100)] = None,
    source_record_id: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[PersonStatus | None, Query()] = None,
    confirmation_level: Annotated[ConfirmationLevel | None, Query()] = None,
) -> Page[RegistryPersonOut]:
    """Registry persons by list, record id, status or confirmation level (to find a person by name, use lookups)."""
    persons, total = service.search_persons(
        session,
        actor=principal.actor,
        source=source,
        source_record_id=source_record_id,
        status=status.value if status else None,
        confirmation_level=confirmation_level.value if confirmation_level else None,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(items=[person_out(principal, p) for p in persons], total=total, limit=page.limit, offset=page.offset)


@router.get("/persons/{person_id}", response_model=RegistryPersonRestrictedOut | RegistryPersonOut)
def get_person(person_id: uuid.UUID, principal: Reader, session: SessionDep) -> RegistryPersonOut:
    """One registry person; restricted fields (health, internment, prisoner number, burial) only for officers."""
    restricted = sees_restricted(principal)
    person = service.get_person(session, actor=principal.actor, person_id=person_id, restricted=restricted)
    return person_out(principal, person)


@router.post("/lookups", response_model=LookupOut)
@reads_only
def run_lookup(body: LookupIn, principal: Looker, session: SessionDep) -> LookupOut:
    """Find a person however his name was written: candidates best first, each with a score, a strength and a
    per-field explanation, and how the inquiry was read (`interpretation`)."""
    query = lookup.query_from(body.query_values())
    started = time.perf_counter()
    candidates = lookup.lookup(session, actor=principal.actor, query=query, limit=body.limit)
    observe_lookup(time.perf_counter() - started, len(candidates))
    return LookupOut(
        candidates=[CandidateOut.of(c) for c in candidates], interpretation=InterpretationOut.of(interpret(query))
    )
