"""iCalendar (RFC 5545) feeds per escort team and per handover point, behind per-feed revocable tokens.

Calendar apps cannot send an Authorization header, so each feed has its own secret URL. Only the token's SHA-256
is stored; a revoked or unknown token answers 404, like any path that does not exist. Each poll is audited under
the feed's own actor. Events carry the case reference, route and window, never travellers' names or documents.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.handovers.models import SLOT_STATES, CalendarFeed, FeedKind, Handover, Traveller
from app.handovers.schemas import CalendarFeedCreate
from app.reference.models import BorderCrossing, EscortTeam, HandoverPoint, TransitHub

FEED_PATH = "/api/v1/calendar/{token}.ics"
HISTORY_DAYS = 90
"""Past handovers older than this drop out of a feed."""
_SLOTS = [s.value for s in SLOT_STATES]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(
    session: Session, *, principal: StaffPrincipal, data: CalendarFeedCreate, base_url: str
) -> tuple[CalendarFeed, str]:
    """Create a feed and return it with its URL; the URL is shown only this once."""
    if data.kind == "escort_team" and session.get(EscortTeam, data.escort_team_id) is None:
        raise Unprocessable.field("#/escort_team_id", "No such escort team.")
    if data.kind == "handover_point" and session.get(HandoverPoint, data.point_id) is None:
        raise Unprocessable.field("#/point_id", "No such handover point.")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        kind=data.kind,
        escort_team_id=data.escort_team_id,
        point_id=data.point_id,
        label=data.label,
        token_hash=_digest(token),
        created_by_id=principal.user_id,
    )
    session.add(feed)
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="calendar_feed.created",
        target_type="calendar_feed",
        target_id=feed.id,
        details={"kind": feed.kind, "escort_team_id": feed.escort_team_id, "point_id": feed.point_id},
    )
    return feed, base_url.rstrip("/") + FEED_PATH.format(token=token)


def list_feeds(
    session: Session, *, escort_team_id: uuid.UUID | None = None, point_id: uuid.UUID | None = None
) -> list[CalendarFeed]:
    query = select(CalendarFeed)
    if escort_team_id is not None:
        query = query.where(CalendarFeed.escort_team_id == escort_team_id)
    if point_id is not None:
        query = query.where(CalendarFeed.point_id == point_id)
    return list(session.execute(query.order_by(CalendarFeed.created_at.desc())).scalars())


def revoke_feed(session: Session, *, principal: StaffPrincipal, feed_id: uuid.UUID) -> CalendarFeed:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None:
        raise NotFound("No such calendar feed.")
    if feed.revoked_at is not None:
        raise Conflict("The feed is already revoked.")
    feed.revoked_at, feed.revoked_by_id = utcnow(), principal.user_id
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="calendar_feed.revoked",
        target_type="calendar_feed",
        target_id=feed.id,
    )
    return feed


def read_feed(session: Session, *, token: str) -> bytes:
    """The feed's calendar, or NotFound for an unknown or revoked token."""
    feed = session.execute(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token))).scalar_one_or_none()
    if feed is None or feed.revoked_at is not None:
        raise NotFound("Not found.")
    record(
        session,
        actor=Actor(f"calendar_feed:{feed.id}", ("calendar_feed",)),
        action="calendar_feed.read",
        target_type="calendar_feed",
        target_id=feed.id,
    )
    return build_calendar(session, feed)


def build_calendar(session: Session, feed: CalendarFeed) -> bytes:
    since = (utcnow() - timedelta(days=HISTORY_DAYS)).date()
    query = (
        select(Handover, Case.reference, BorderCrossing, TransitHub, HandoverPoint, EscortTeam)
        .join(Case, Case.id == Handover.case_id)
        .join(BorderCrossing, BorderCrossing.id == Handover.crossing_id)
        .join(TransitHub, TransitHub.id == Handover.hub_id)
        .join(HandoverPoint, HandoverPoint.id == Handover.point_id)
        .join(EscortTeam, EscortTeam.id == Handover.escort_team_id)
        .where(Handover.state.in_(_SLOTS), Handover.travel_date >= since)
    )
    if feed.kind == FeedKind.ESCORT_TEAM:
        query = query.where(Handover.escort_team_id == feed.escort_team_id)
    else:
        query = query.where(Handover.point_id == feed.point_id)
    calendar = Calendar()
    calendar.add("prodid", "-//POW Liaison//Handovers//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.label)
    now = utcnow()
    for handover, reference, crossing, hub, point, team in session.execute(
        query.order_by(Handover.window_starts_at, Handover.id)
    ).all():
        travellers = len(session.execute(select(Traveller.id).where(Traveller.handover_id == handover.id)).all())
        kind = "Remains repatriation" if handover.type == "remains_repatriation" else "Release to family"
        event = Event()
        event.add("uid", f"handover-{handover.id}@pow-liaison")
        event.add("dtstamp", now)
        event.add("last-modified", handover.updated_at)
        event.add("sequence", handover.schedule_revision)
        if feed.kind == FeedKind.ESCORT_TEAM:
            event.add("dtstart", handover.escort_starts_at)
            event.add("summary", f"Escort {reference}: {crossing.name_pl} → {point.name}")
            event.add("location", f"{crossing.name_en} / {crossing.name_pl} border crossing")
        else:
            event.add("dtstart", handover.window_starts_at)
            event.add("summary", f"Handover {reference} ({kind.lower()})")
            event.add("location", point.name)
        event.add("dtend", handover.window_ends_at)
        event.add("status", "CONFIRMED")
        event.add(
            "description",
            "\n".join(
                [
                    f"{kind}, case {reference}",
                    f"State: {handover.state}",
                    f"Route: {hub.name_en} → {crossing.name_en} / {crossing.name_pl} → {point.name}",
                    f"Escort meets the family at the crossing: {handover.escort_starts_at:%Y-%m-%d %H:%M} UTC",
                    f"Window at the point: {handover.window_starts_at:%H:%M}-{handover.window_ends_at:%H:%M} UTC",
                    f"Escort team: {team.name}",
                    f"Travellers: {travellers}",
                ]
            ),
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())
