"""Reference data API: hubs, crossings (and their operating status), handover points, escort teams.

Reading needs REFERENCE_READ; changing needs REFERENCE_MANAGE (admins), except crossing statuses, escort availability
and a point's daily capacity, which coordinators maintain day to day (REFERENCE_STATUS_EDIT).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
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


# transit hubs


@router.get("/hubs", response_model=list[HubOut])
def list_hubs(principal: Reader, session: SessionDep) -> list[HubOut]:
    return [HubOut.model_validate(h) for h in service.list_hubs(session)]


@router.post("/hubs", response_model=HubOut, status_code=status.HTTP_201_CREATED)
def create_hub(body: HubCreate, principal: Manager, session: SessionDep) -> HubOut:
    return HubOut.model_validate(service.create_hub(session, actor=principal.actor, data=body))


@router.get("/hubs/{hub_id}", response_model=HubOut)
def get_hub(hub_id: uuid.UUID, principal: Reader, session: SessionDep) -> HubOut:
    return HubOut.model_validate(service.get_hub(session, hub_id))


@router.patch("/hubs/{hub_id}", response_model=HubOut)
def update_hub(hub_id: uuid.UUID, body: HubUpdate, principal: Manager, session: SessionDep) -> HubOut:
    return HubOut.model_validate(service.update_hub(session, actor=principal.actor, hub_id=hub_id, data=body))


@router.delete("/hubs/{hub_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_hub(hub_id: uuid.UUID, principal: Manager, session: SessionDep) -> Response:
    """Delete a hub no crossing is served from and no handover was planned through."""
    service.delete_hub(session, actor=principal.actor, hub_id=hub_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# border crossings


@router.get("/crossings", response_model=list[CrossingOut])
def list_crossings(
    principal: Reader, session: SessionDep, hub_id: Annotated[uuid.UUID | None, Query()] = None
) -> list[CrossingOut]:
    """Crossings with today's operating status on the border."""
    return service.list_crossings(session, today=border_today(), hub_id=hub_id)


@router.post("/crossings", response_model=CrossingOut, status_code=status.HTTP_201_CREATED)
def create_crossing(body: CrossingCreate, principal: Manager, session: SessionDep) -> CrossingOut:
    """Create a crossing. It has no operating status until one is recorded, so no route goes through it yet."""
    return service.create_crossing(session, actor=principal.actor, data=body)


@router.get("/crossings/{crossing_id}", response_model=CrossingOut)
def get_crossing(crossing_id: uuid.UUID, principal: Reader, session: SessionDep) -> CrossingOut:
    return service.read_crossing(session, crossing_id=crossing_id, today=border_today())


@router.patch("/crossings/{crossing_id}", response_model=CrossingOut)
def update_crossing(
    crossing_id: uuid.UUID, body: CrossingUpdate, principal: Manager, session: SessionDep
) -> CrossingOut:
    return service.update_crossing(
        session, actor=principal.actor, crossing_id=crossing_id, data=body, today=border_today()
    )


@router.delete("/crossings/{crossing_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_crossing(crossing_id: uuid.UUID, principal: Manager, session: SessionDep) -> Response:
    """Delete a crossing that no point and no handover uses."""
    service.delete_crossing(session, actor=principal.actor, crossing_id=crossing_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/crossings/{crossing_id}/statuses", response_model=list[CrossingStatusOut])
def list_statuses(crossing_id: uuid.UUID, principal: Reader, session: SessionDep) -> list[CrossingStatusOut]:
    """The crossing's operating status entries, latest recorded first."""
    return [CrossingStatusOut.model_validate(s) for s in service.list_statuses(session, crossing_id)]


@router.post("/crossings/{crossing_id}/statuses", response_model=StatusChangeOut, status_code=status.HTTP_201_CREATED)
def add_status(
    crossing_id: uuid.UUID, body: CrossingStatusCreate, principal: StatusEditor, session: SessionDep
) -> StatusChangeOut:
    """Record the crossing's status for a date range (the latest entry covering a date wins).

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
def create_point(body: PointCreate, principal: Manager, session: SessionDep) -> PointOut:
    return points.create_point(session, actor=principal.actor, data=body)


@router.get("/handover-points/{point_id}", response_model=PointOut)
def get_point(point_id: uuid.UUID, principal: Reader, session: SessionDep) -> PointOut:
    return points.point_out(session, points.get_point(session, point_id))


@router.patch("/handover-points/{point_id}", response_model=PointOut)
def update_point(
    point_id: uuid.UUID, body: PointUpdate, principal: Manager, session: SessionDep, response: Response
) -> PointOut:
    """Change a point. Deactivating it flags its scheduled handovers (listed in `X-Affected-Handovers`)."""
    out, affected = points.update_point(
        session, actor=principal.actor, point_id=point_id, data=body, today=border_today()
    )
    if affected:
        response.headers["X-Affected-Handovers"] = ",".join(str(h) for h in affected)
    return out


@router.put("/handover-points/{point_id}/capacity", response_model=PointOut)
def set_capacity(point_id: uuid.UUID, body: CapacityUpdate, principal: StatusEditor, session: SessionDep) -> PointOut:
    """Set the daily capacity. Days already booked beyond it keep their bookings; new ones are refused."""
    return points.set_capacity(session, actor=principal.actor, point_id=point_id, daily_capacity=body.daily_capacity)


@router.delete("/handover-points/{point_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_point(point_id: uuid.UUID, principal: Manager, session: SessionDep) -> Response:
    """Delete a point never used by a handover (otherwise deactivate it)."""
    points.delete_point(session, actor=principal.actor, point_id=point_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# escort teams


@router.get("/escort-teams", response_model=list[TeamOut])
def list_teams(principal: Reader, session: SessionDep, active: Annotated[bool | None, Query()] = None) -> list[TeamOut]:
    return teams.list_teams(session, active=active)


@router.post("/escort-teams", response_model=TeamOut, status_code=status.HTTP_201_CREATED)
def create_team(body: TeamCreate, principal: Manager, session: SessionDep) -> TeamOut:
    return teams.create_team(session, actor=principal.actor, data=body)


@router.get("/escort-teams/{team_id}", response_model=TeamOut)
def get_team(team_id: uuid.UUID, principal: Reader, session: SessionDep) -> TeamOut:
    return teams.team_out(session, teams.get_team(session, team_id))


@router.patch("/escort-teams/{team_id}", response_model=TeamOut)
def update_team(
    team_id: uuid.UUID, body: TeamUpdate, principal: Manager, session: SessionDep, response: Response
) -> TeamOut:
    """Change a team. Deactivating it flags its scheduled handovers (listed in `X-Affected-Handovers`)."""
    out, affected = teams.update_team(session, actor=principal.actor, team_id=team_id, data=body, today=border_today())
    if affected:
        response.headers["X-Affected-Handovers"] = ",".join(str(h) for h in affected)
    return out


@router.delete("/escort-teams/{team_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_team(team_id: uuid.UUID, principal: Manager, session: SessionDep) -> Response:
    """Delete a team never booked for a handover (otherwise deactivate it)."""
    teams.delete_team(session, actor=principal.actor, team_id=team_id)
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
    """Record availability for a date range; unavailability flags the team's handovers on those days."""
    entry, affected = teams.add_availability(session, actor=principal.actor, team_id=team_id, data=body)
    return AvailabilityChangeOut(entry=AvailabilityOut.model_validate(entry), affected_handovers=affected)
