"""Case screens: "My cases" (and the other work queues), search by name, phone or reference, and the case page.

Lists come from `app.cases.queries.list_cases` and the case from `app.cases.service.read_case`, the functions behind
`GET /api/v1/cases`: the same scope (out-of-scope cases are 404), the same audit of searches and reads.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.auth.permissions import Permission as P
from app.auth.permissions import takes_cases
from app.cases import family_messages, journal, queries, service
from app.cases.queries import CaseSort, Queue
from app.cases.references import is_reference
from app.cases.schemas import CaseSummaryOut, case_view
from app.cases.search import SearchFilters
from app.console import nav
from app.console.dependencies import staff_page
from app.console.labels import N_
from app.console.sessions import StaffContext
from app.console.web import page
from app.db import utcnow
from app.deps import SessionDep, SettingsDep
from app.matches import service as matches
from app.staff import service as staff_service

router = APIRouter(prefix="/staff", tags=["console"], include_in_schema=False)
PAGE_SIZE = 50
_PHONE = re.compile(r"^[+\d][\d\s().-]{2,}$")

Worker = Annotated[StaffContext, staff_page(P.CASE_TRANSITION)]
Reader = Annotated[StaffContext, staff_page(P.CASE_READ)]

nav.add(nav.NavEntry("cases", N_("My cases"), "/staff/cases", P.CASE_TRANSITION, order=5, shortcut="m"))
nav.add(nav.NavEntry("search", N_("Search"), "/staff/search", P.CASE_READ, order=30, shortcut="f"))

QUEUES = {
    "mine": N_("My cases"),
    "unassigned": N_("Unassigned"),
    "overdue": N_("Overdue"),
    "awaiting_confirmation": N_("Awaiting second signature"),
}


def search_filters(text: str) -> SearchFilters:
    """One search box: a case reference, a phone number (or some of its digits), else a name in any script."""
    text = text.strip()
    if not text:
        return SearchFilters()
    if is_reference(text):
        return SearchFilters(reference=text)
    if _PHONE.match(text) and sum(ch.isdigit() for ch in text) >= 3:
        return SearchFilters(phone=text)
    if "@" in text:
        return SearchFilters(email=text)
    return SearchFilters(name=text)


@router.get("/cases")
def my_cases(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Worker,
    queue: Annotated[Queue, Query()] = Queue.MINE,
) -> Response:
    """A work queue, most urgent first (first-response deadline, then review date), with deadline colours."""
    items, total = queries.list_cases(
        session,
        principal=staff.principal,
        queue=queue,
        states=[],
        filters=SearchFilters(),
        include_merged=False,
        sort=CaseSort.FIRST_RESPONSE_DUE if queue is not Queue.AWAITING_CONFIRMATION else CaseSort.UPDATED,
        limit=PAGE_SIZE,
        offset=0,
    )
    now = utcnow()
    return page(
        request,
        settings,
        "console/cases/queue.html",
        staff,
        active="cases",
        queue=queue.value,
        queues=QUEUES,
        cases=[CaseSummaryOut.of(item, now) for item in items],
        total=total,
        now=now,
    )


@router.get("/search")
def search(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Find a case by the sought person's or a relative's name (any script or spelling), a phone or a reference.
    htmx asks for the results alone while the operator types."""
    filters = search_filters(q)
    cases: list[CaseSummaryOut] = []
    total = 0
    now = utcnow()
    if filters.used():
        items, total = queries.list_cases(
            session,
            principal=staff.principal,
            queue=None,
            states=[],
            filters=filters,
            include_merged=False,
            sort=CaseSort.UPDATED_DESC,
            limit=PAGE_SIZE,
            offset=0,
        )
        cases = [CaseSummaryOut.of(item, now) for item in items]
    return page(
        request,
        settings,
        "console/cases/search.html",
        staff,
        active="search",
        q=q,
        searched=bool(filters.used()),
        cases=cases,
        total=total,
        now=now,
    )


def case_context(session: Session, staff: StaffContext, reference: str, *, lookup: Any = None) -> dict[str, Any]:
    """Everything the case page shows this member of staff, read through the domain services (each read audited
    as in the API): the record, and for the full view the timeline, proposals, registry matches and family
    messages; the contact log for everyone who may see the case."""
    principal = staff.principal
    record = service.read_case(session, principal=principal, reference=reference)
    view = case_view(record, utcnow())
    case = record.case
    full = record.full
    contacts, _ = journal.list_contacts(session, principal=principal, reference=case.reference, limit=50, offset=0)
    context: dict[str, Any] = {
        "case": view,
        "version": case.version,
        "seen_at": utcnow().isoformat(),
        "now": utcnow(),
        "contacts": contacts,
        "timeline": queries.timeline(session, principal=principal, reference=case.reference) if full else [],
        "matches": matches.list_matches(session, principal=principal, reference=case.reference) if full else [],
        "unread": family_messages.unread_count(session, case.id),
        "read_mark": family_messages.read_mark(session, case.id),
        "lookup": lookup,
        "can": {p.name.lower(): principal.can(p) for p in P},
        "officers": _officers(session) if principal.can(P.CASE_ASSIGN) else [],
        "inquiry_ids": {str(i.id): i.requester_name for i in record.inquiries},
        "done": None,
        "conflict": None,
        "changes": [],
    }
    return context


def _officers(session: Session) -> list[tuple[str, str]]:
    users, _ = staff_service.list_users(session, limit=200, offset=0, active=True)
    return [(str(u.id), u.full_name) for u in users if takes_cases(u.roles)]


@router.get("/cases/{reference}")
def case_page(
    reference: Annotated[str, Path(max_length=40)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Reader,
) -> Response:
    """The case: header, sought person, requesters, family messages, contacts, timeline, registry matches, and the
    actions the member of staff may take (only the allowed transitions are offered)."""
    context = case_context(session, staff, reference)
    context["done"] = request.query_params.get("done")
    return page(request, settings, "console/cases/case.html", staff, active=None, errors={}, v={}, **context)
