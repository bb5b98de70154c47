"""Outputs for coordinators and escorts: iCalendar feeds (token in the URL) and the daily manifest CSV."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.auth.dependencies import public, require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep
from app.handovers import calendar, manifest
from app.handovers.schemas import CalendarFeedCreate, CalendarFeedCreated, CalendarFeedOut

router = APIRouter(prefix="/api/v1", tags=["handovers"])
Reader = Annotated[StaffPrincipal, require(Permission.HANDOVER_READ)]
Manager = Annotated[StaffPrincipal, require(Permission.HANDOVER_MANAGE)]


@router.post("/calendar-feeds", response_model=CalendarFeedCreated, status_code=status.HTTP_201_CREATED)
def create_feed(
    body: CalendarFeedCreate, principal: Manager, session: SessionDep, request: Request
) -> CalendarFeedCreated:
    """Create an iCalendar feed for an escort team or a handover point. The URL is shown only in this response."""
    feed, url = calendar.create_feed(session, principal=principal, data=body, base_url=str(request.base_url))
    return CalendarFeedCreated(**CalendarFeedOut.model_validate(feed).model_dump(), url=url)


@router.get("/calendar-feeds", response_model=list[CalendarFeedOut])
def list_feeds(
    principal: Reader,
    session: SessionDep,
    escort_team_id: Annotated[uuid.UUID | None, Query()] = None,
    point_id: Annotated[uuid.UUID | None, Query()] = None,
) -> list[CalendarFeedOut]:
    """Feeds, newest first (their URLs are not shown again)."""
    feeds = calendar.list_feeds(session, escort_team_id=escort_team_id, point_id=point_id)
    return [CalendarFeedOut.model_validate(f) for f in feeds]


@router.post("/calendar-feeds/{feed_id}/revoke", response_model=CalendarFeedOut)
def revoke_feed(feed_id: uuid.UUID, principal: Manager, session: SessionDep) -> CalendarFeedOut:
    """Revoke a feed: its URL answers 404 from now on."""
    return CalendarFeedOut.model_validate(calendar.revoke_feed(session, principal=principal, feed_id=feed_id))


@router.get(
    "/calendar/{token}.ics",
    dependencies=[public()],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"description": "Unknown or revoked feed"}},
)
def read_feed(token: Annotated[str, Path(min_length=20, max_length=100)], session: SessionDep) -> Response:
    """The iCalendar feed behind a secret URL (calendar apps cannot send headers); authenticated by the token."""
    body = calendar.read_feed(session, token=token)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get(
    "/handover-points/{point_id}/manifest.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def daily_manifest(
    point_id: uuid.UUID,
    principal: Reader,
    session: SessionDep,
    day: Annotated[date, Query(alias="date", description="The day at the handover point")],
) -> Response:
    """The day's manifest for a handover point (CSV, times local to the point); identity documents by role."""
    text, filename = manifest.daily_manifest(session, principal=principal, point_id=point_id, day=day)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
