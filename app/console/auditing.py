"""The auditor's screen: the audit trail filtered by case, actor, action and time, and the chain's verification.

Reads through `app.audit.queries.search_events` and `app.audit.chain.verify`, the functions behind
`GET /api/v1/audit/events` and `/verify`. A case is named by its reference (resolved within the reader's scope), an
actor by user name; days are read in the reader's time zone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.audit import chain
from app.audit.models import AuditEvent
from app.audit.queries import search_events
from app.auth.permissions import Permission as P
from app.cases.policies import get_case_for
from app.console import forms, nav
from app.console.dependencies import staff_page
from app.console.labels import N_
from app.console.rendering import zone_of
from app.console.sessions import StaffContext
from app.console.web import page
from app.deps import SessionDep, SettingsDep
from app.errors import DomainError
from app.staff import service as staff_service

router = APIRouter(prefix="/staff", tags=["console"], include_in_schema=False)
Auditor = Annotated[StaffContext, staff_page(P.AUDIT_READ)]
Text = Annotated[str, Query(max_length=80)]
PAGE_SIZE = 100

nav.add(nav.NavEntry("audit", N_("Audit trail"), "/staff/audit", P.AUDIT_READ, order=60, shortcut="a"))


def _day(text: str, zone_name: str, *, end: bool = False) -> datetime | None:
    iso = forms.iso_date(text)
    try:
        day = datetime.strptime(iso, "%Y-%m-%d").date()
    except ValueError:
        return None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone_of(zone_name))
    return moment


@router.get("/audit")
def audit_trail(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Auditor,
    case: Text = "",
    actor: Text = "",
    action: Text = "",
    since: Text = "",
    until: Text = "",
    verify: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    errors: dict[str, str] = {}
    target_id = None
    if case.strip():
        try:
            target_id = str(get_case_for(session, staff.principal, case.strip()).id)
        except DomainError:
            errors["case"] = "no such case"
    actor_id = None
    if actor.strip():
        users, _ = staff_service.list_users(session, limit=500, offset=0)
        found = next((u for u in users if u.username == actor.strip().lower()), None)
        actor_id = str(found.id) if found else actor.strip()
    start = _day(since, staff.time_zone) if since.strip() else None
    stop = _day(until, staff.time_zone, end=True) if until.strip() else None
    if since.strip() and start is None:
        errors["since"] = "Enter a date as DD.MM.YYYY."
    if until.strip() and stop is None:
        errors["until"] = "Enter a date as DD.MM.YYYY."
    events: list[AuditEvent] = []
    total = 0
    if not errors:
        events, total = search_events(
            session,
            target_id=target_id,
            actor=actor_id,
            action=action.strip() or None,
            since=start,
            until=stop,
            limit=PAGE_SIZE,
            offset=0,
        )
    users, _ = staff_service.list_users(session, limit=500, offset=0)
    names = {str(u.id): u.full_name for u in users}
    verified = chain.verify(session) if verify and staff.principal.can(P.AUDIT_VERIFY) else None
    return page(
        request,
        settings,
        "console/audit/trail.html",
        staff,
        active="audit",
        status_code=422 if errors else 200,
        v={"case": case, "actor": actor, "action": action, "since": since, "until": until},
        errors=errors,
        events=events,
        total=total,
        names=names,
        verified=verified,
    )
