"""The supervisor's dashboard: counts per queue and state, overdue deadlines, workload per officer, deaths awaiting
a second signature (confirmable from here), handovers awaiting approval, cases with unread family messages.

Figures come from `app.cases.reports` and the lists from the services behind the API's queues; the second
signature posts to the case's own proposal route, so the two-person rule and the version check hold.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth.permissions import Permission as P
from app.cases import queries, reports
from app.cases.queries import CaseSort, Queue
from app.cases.schemas import CaseSummaryOut
from app.cases.search import SearchFilters
from app.console import nav
from app.console.dependencies import staff_page
from app.console.labels import N_
from app.console.sessions import StaffContext
from app.console.web import page
from app.db import utcnow
from app.deps import SessionDep, SettingsDep
from app.handovers import service as handovers
from app.handovers.schemas import HandoverSummaryOut

router = APIRouter(prefix="/staff", tags=["console"], include_in_schema=False)
Supervisor = Annotated[StaffContext, staff_page(P.CASE_ASSIGN)]

nav.add(nav.NavEntry("dashboard", N_("Dashboard"), "/staff/dashboard", P.CASE_ASSIGN, order=1, shortcut="d"))


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep, settings: SettingsDep, staff: Supervisor) -> Response:
    principal = staff.principal
    now = utcnow()
    overdue, _ = queries.list_cases(
        session,
        principal=principal,
        queue=Queue.OVERDUE,
        states=[],
        filters=SearchFilters(),
        include_merged=False,
        sort=CaseSort.FIRST_RESPONSE_DUE,
        limit=20,
        offset=0,
    )
    awaiting_approval: list[HandoverSummaryOut] = []
    if principal.can(P.HANDOVER_APPROVE):
        awaiting_approval, _ = handovers.list_handovers(session, limit=20, offset=0, state="requested")
    return page(
        request,
        settings,
        "console/supervision/dashboard.html",
        staff,
        active="dashboard",
        now=now,
        figures=reports.dashboard(session, principal=principal),
        overdue=[CaseSummaryOut.of(item, now) for item in overdue],
        deaths=[
            (case, proposal)
            for case, proposal in reports.deaths_awaiting_signature(session, principal=principal)
            if "deceased" in (proposal.to_state, proposal.from_state)
        ],
        handovers=awaiting_approval,
        unread=reports.cases_with_unread_messages(session, principal=principal),
    )
