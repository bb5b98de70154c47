"""Reference data API: hubs, crossings (and their operating status), handover points, escort teams.

Reading needs REFERENCE_READ; changing needs REFERENCE_MANAGE (admins), except crossing statuses, escort availability
and a point's daily capacity, which coordinators maintain day to day (REFERENCE_STATUS_EDIT).

Concurrent edits are detected, not overwritten: a hub, crossing, point or team answers reads and changes with its
`ETag`; editing or deleting it (and setting a point's capacity) needs that ETag in `If-Match` (428 without, 412
when stale, nothing changed). Status and availability entries are append-only and need no If-Match.
"""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.concurrency import PRECONDITION_RESPONSES, IfMatchDep, Versioned, etag
from app.deps import SessionDep
from app.reference import points, service, teams
from app.reference.clock import border_today
from app.reference.schemas import (
    AvailabilityChangeOut,
    AvailabilityCreate,
    AvailabilityOut,
    CapacityUpdate,
    CrossingCreate,
    CrossingOut,
    CrossingStatusCreate,
    CrossingStatusOut,
    CrossingUpdate,
    HubCreate,
    HubOut,
    HubUpdate,
    PointCreate,
    PointOut,
    PointUpdate,
    StatusChangeOut,
    TeamCreate,
    TeamOut,
    TeamUpdate,
)

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])
Reader = Annotated[StaffPrincipal, require(Permission.REFERENCE_READ)]
Manager = Annotated[StaffPrincipal, require(Permission.REFERENCE_MANAGE)]
StatusEditor = Annotated[StaffPrincipal, require(Permission.REFERENCE_STATUS_EDIT)]
CHANGE = PRECONDITION_RESPONSES
Tagged = TypeVar("Tagged", bound=Versioned)


def _tagged(response: Response, out: Tagged, *, location: str | None = None) -> Tagged:
    response.headers["ETag"] = etag(out)
    if location is not None:
        response.headers["Location"] = location
    return out


def _affected(response: Response, affected: list[uuid.UUID]) -> None:
    if affected:
        response.headers["X-Affected-Handovers"] = ",".join(str(h) for h in affected)


# transit hubs


@router.get("/hubs", response_model=list[HubOut])
def list_hubs(principal: Reader, session: SessionDep) -> list[HubOut]:
    return [HubOut.model_validate(h) for h in service.list_hubs(session)]


@router.post("/hubs", response_model=HubOut, status_code=status.HTTP_201_CREATED)
def create_hub(body: HubCreate, principal: Manager, session: SessionDep, response: Response) -> HubOut:
    out = HubOut.model_validate(service.create_hub(session, actor=principal.actor, data=body))
    return _tagged(response, out, location=f"{router.prefix}/hubs/{out.id}")


@router.get("/hubs/{hub_id}", response_model=HubOut)
def get_hub(hub_id: uuid.UUID, principal: Reader, session: SessionDep, response: Response) -> HubOut:
    return _tagged(response, HubOut.model_validate(service.get_hub(session, hub_id)))


@router.patch("/hubs/{hub_id}", response_model=HubOut, responses=CHANGE)
def update_hub(
    hub_id: uuid.UUID,
    body: HubUpdate,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> HubOut:
    hub = service.update_hub(session, actor=principal.actor, hub_id=hub_id, data=body, if_match=if_match)
    return _tagged(response, HubOut.model_validate(hub))


@router.delete("/hubs/{hub_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=CHANGE)
def delete_hub(hub_id: uuid.UUID, principal: Manager, session: SessionDep, if_match: IfMatchDep) -> Response:
    """Delete a hub no crossing is served from and no handover was planned through."""
    service.delete_hub(session, actor=principal.actor, hub_id=hub_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# border crossings


@router.get("/crossings", response_model=list[CrossingOut])
def list_crossings(
    principal: Reader, session: SessionDep, hub_id: Annotated[uuid.UUID | None, Query()] = None
) -> list[CrossingOut]:
    """Crossings with today's operating status on the border."""
    return service.list_crossings(session, today=border_today(), hub_id=hub_id)


@router.post("/crossings", response_model=CrossingOut, status_code=status.HTTP_201_CREATED)
def create_crossing(body: CrossingCreate, principal: Manager, session: SessionDep, response: Response) -> CrossingOut:
    """Create a crossing. It has no operating status until one is recorded, so no route goes through it yet."""
    out = service.create_crossing(session, actor=principal.actor, data=body)
    return _tagged(response, out, location=f"{router.prefix}/crossings/{out.id}")


@router.get("/crossings/{crossing_id}", response_model=CrossingOut)
def get_crossing(crossing_id: uuid.UUID, principal: Reader, session: SessionDep, response: Response) -> CrossingOut:
    """The crossing with today's status and its `ETag` (which status entries do not move)."""
    return _tagged(response, service.read_crossing(session, crossing_id=crossing_id, today=border_today()))


@router.patch("/crossings/{crossing_id}", response_model=CrossingOut, responses=CHANGE)
def update_crossing(
    crossing_id: uuid.UUID,
    body: CrossingUpdate,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> CrossingOut:
    out = service.update_crossing(
        session, actor=principal.actor, crossing_id=crossing_id, data=body, today=border_today(), if_match=if_match
    )
    return _tagged(response, out)


@router.delete(
    "/crossings/{crossing_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=CHANGE
)
def delete_crossing(crossing_id: uuid.UUID, principal: Manager, session: SessionDep, if_match: IfMatchDep) -> Response:
    """Delete a crossing that no point and no handover uses."""
    service.delete_crossing(session, actor=principal.actor, crossing_id=crossing_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/crossings/{crossing_id}/statuses", response_model=list[CrossingStatusOut])
def list_statuses(crossing_id: uuid.UUID, principal: Reader, session: SessionDep) -> list[CrossingStatusOut]:
    """The crossing's operating status entries, latest recorded first."""
    return [CrossingStatusOut.model_validate(s) for s in service.list_statuses(session, crossing_id)]


@router.post("/crossings/{crossing_id}/statuses", response_model=StatusChangeOut, status_code=status.HTTP_201_CREATED)
def add_status(
    crossing_id: uuid.UUID, body: CrossingStatusCreate, principal: StatusEditor, session: SessionDep
) -> StatusChangeOut:
    """Record the crossing's status for a date range (the latest entry covering a date wins). Append-only: no
    If-Match needed.

    `closed` or `restricted` flags every scheduled handover through this crossing in the range; they are listed.
    """
    entry, affected = service.add_status(session, actor=principal.actor, crossing_id=crossing_id, data=body)
    return StatusChangeOut(status=CrossingStatusOut.model_validate(entry), affected_handovers=affected)


# handover points


@router.get("/handover-points", response_model=list[PointOut])
def list_points(
    principal: Reader, session: SessionDep, active: Annotated[bool | None, Query()] = None
) -> list[PointOut]:
    return points.list_points(session, active=active)


@router.post("/handover-points", response_model=PointOut, status_code=status.HTTP_201_CREATED)
def create_point(body: PointCreate, principal: Manager, session: SessionDep, response: Response) -> PointOut:
    out = points.create_point(session, actor=principal.actor, data=body)
    return _tagged(response, out, location=f"{router.prefix}/handover-points/{out.id}")


@router.get("/handover-points/{point_id}", response_model=PointOut)
def get_point(point_id: uuid.UUID, principal: Reader, session: SessionDep, response: Response) -> PointOut:
    return _tagged(response, points.point_out(session, points.get_point(session, point_id)))


@router.patch("/handover-points/{point_id}", response_model=PointOut, responses=CHANGE)
def update_point(
    point_id: uuid.UUID,
    body: PointUpdate,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> PointOut:
    """Change a point. Deactivating it, or lowering its capacity below a day's bookings, flags the handovers
    concerned (listed in `X-Affected-Handovers`), as `PUT .../capacity` does."""
    out, affected = points.update_point(
        session, actor=principal.actor, point_id=point_id, data=body, today=border_today(), if_match=if_match
    )
    _affected(response, affected)
    return _tagged(response, out)


@router.put("/handover-points/{point_id}/capacity", response_model=PointOut, responses=CHANGE)
def set_capacity(
    point_id: uuid.UUID,
    body: CapacityUpdate,
    principal: StatusEditor,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> PointOut:
    """Set the daily capacity (needs the point's ETag). New bookings over it are refused at once.

    Days from today on that are already booked beyond the new capacity keep their bookings, and every open
    handover on such a day is flagged for attention with a reason naming the day, the bookings and the capacity
    (listed in `X-Affected-Handovers`): the coordinator moves some of them, or raises the capacity again."""
    out, affected = points.set_capacity(
        session,
        actor=principal.actor,
        point_id=point_id,
        daily_capacity=body.daily_capacity,
        today=border_today(),
        if_match=if_match,
    )
    _affected(response, affected)
    return _tagged(response, out)


@router.delete(
    "/handover-points/{point_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=CHANGE
)
def delete_point(point_id: uuid.UUID, principal: Manager, session: SessionDep, if_match: IfMatchDep) -> Response:
    """Delete a point never used by a handover (otherwise deactivate it)."""
    points.delete_point(session, actor=principal.actor, point_id=point_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# escort teams


@router.get("/escort-teams", response_model=list[TeamOut])
def list_teams(principal: Reader, session: SessionDep, active: Annotated[bool | None, Query()] = None) -> list[TeamOut]:
    return teams.list_teams(session, active=active)


@router.post("/escort-teams", response_model=TeamOut, status_code=status.HTTP_201_CREATED)
def create_team(body: TeamCreate, principal: Manager, session: SessionDep, response: Response) -> TeamOut:
    out = teams.create_team(session, actor=principal.actor, data=body)
    return _tagged(response, out, location=f"{router.prefix}/escort-teams/{out.id}")


@router.get("/escort-teams/{team_id}", response_model=TeamOut)
def get_team(team_id: uuid.UUID, principal: Reader, session: SessionDep, response: Response) -> TeamOut:
    return _tagged(response, teams.team_out(session, teams.get_team(session, team_id)))


@router.patch("/escort-teams/{team_id}", response_model=TeamOut, responses=CHANGE)
def update_team(
    team_id: uuid.UUID,
    body: TeamUpdate,
    principal: Manager,
    session: SessionDep,
    if_match: IfMatchDep,
    response: Response,
) -> TeamOut:
    """Change a team. Deactivating it flags its scheduled handovers (listed in `X-Affected-Handovers`)."""
    out, affected = teams.update_team(
        session, actor=principal.actor, team_id=team_id, data=body, today=border_today(), if_match=if_match
    )
    _affected(response, affected)
    return _tagged(response, out)


@router.delete(
    "/escort-teams/{team_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=CHANGE
)
def delete_team(team_id: uuid.UUID, principal: Manager, session: SessionDep, if_match: IfMatchDep) -> Response:
    """Delete a team never booked for a handover (otherwise deactivate it)."""
    teams.delete_team(session, actor=principal.actor, team_id=team_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/escort-teams/{team_id}/availability", response_model=list[AvailabilityOut])
def list_availability(team_id: uuid.UUID, principal: Reader, session: SessionDep) -> list[AvailabilityOut]:
    """The team's availability entries, latest recorded first. A day no entry covers is available."""
    return [AvailabilityOut.model_validate(e) for e in teams.list_availability(session, team_id)]


@router.post(
    "/escort-teams/{team_id}/availability", response_model=AvailabilityChangeOut, status_code=status.HTTP_201_CREATED
)
def add_availability(
    team_id: uuid.UUID, body: AvailabilityCreate, principal: StatusEditor, session: SessionDep
) -> AvailabilityChangeOut:
    """Record availability for a date range (append-only: no If-Match); unavailability flags the team's handovers
    on those days."""
    entry, affected = teams.add_availability(session, actor=principal.actor, team_id=team_id, data=body)
    return AvailabilityChangeOut(entry=AvailabilityOut.model_validate(entry), affected_handovers=affected)
