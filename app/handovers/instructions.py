"""Travel instructions for the family, in Russian, Ukrainian or English: JSON for the portal, a printable page.

Built only from family-safe facts: the case reference, hub, crossing, dates and times, the documents to bring and
the coordination desk's phone. Escorts' names and numbers, other relatives' data, internal notes and the handover
point's location never enter them: the family is met at the crossing and escorted on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.errors import Conflict
from app.handovers import family_plan
from app.handovers.models import ROUTED_OPEN_STATES, Handover, HandoverType
from app.handovers.schemas import Contact, TravelInstructions
from app.handovers.service import load
from app.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, get_translations
from app.reference.models import (
    BorderCrossing,
    CrossingState,
    CrossingStatus,
    HandoverPoint,
    PointCrossing,
    TransitHub,
)
from app.reference.timeline import crossing_status_on

DOMAIN = "handovers"
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ROUTED = [s.value for s in ROUTED_OPEN_STATES]


def _display(phone: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(phone, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return phone


def _name(obj: TransitHub | BorderCrossing, language: str) -> str:
    return str(getattr(obj, f"name_{language}"))


def _status_label(status: CrossingStatus | None, _: Callable[[str], str], language: str) -> str:
    """The crossing's status on the travel date as recorded, with its source: never a default."""
    if status is None:
        return _("No status has been recorded for this date. Call us before you travel.")
    words = {
        CrossingState.OPEN.value: _("open"),
        CrossingState.RESTRICTED.value: _("open with restrictions"),
        CrossingState.CLOSED.value: _("closed"),
    }.get(status.state, status.state)
    recorded = format_date(status.recorded_at, format="long", locale=language)
    if status.source:
        return _("{status} (source: {source}; recorded {date})").format(
            status=words, source=status.source, date=recorded
        )
    return _("{status} (recorded {date})").format(status=words, date=recorded)


def build(session: Session, handover: Handover, language: str) -> TravelInstructions:
    """The instructions for a routed handover (scheduled, in transit or at the border) in `language`."""
    if handover.state not in _ROUTED or handover.crossing_id is None or handover.point_id is None:
        raise Conflict("Travel instructions exist once the handover is scheduled.", current_state=handover.state)
    assert handover.hub_id and handover.travel_date and handover.window_starts_at and handover.window_ends_at
    assert handover.escort_starts_at is not None
    if language not in SUPPORTED_LANGUAGES:
        language = DEFAULT_LANGUAGE
    _ = get_translations(language, DOMAIN).gettext
    case = session.get_one(Case, handover.case_id)
    hub = session.get_one(TransitHub, handover.hub_id)
    crossing = session.get_one(BorderCrossing, handover.crossing_id)
    point = session.get_one(HandoverPoint, handover.point_id)
    link = session.get(PointCrossing, (point.id, crossing.id))
    hub_zone, point_zone = ZoneInfo(hub.time_zone), ZoneInfo(point.time_zone)
    at_crossing = handover.escort_starts_at - timedelta(minutes=crossing.clearance_minutes)
    depart = at_crossing - timedelta(minutes=crossing.taxi_minutes)
    hub_name, crossing_name = _name(hub, language), f"{_name(crossing, language)} – {crossing.name_pl}"
    polish_time = _("Polish time")
    hub_time = _("{place} time").format(place=hub_name)

    def clock(moment: datetime, zone: ZoneInfo, label: str) -> str:
        return f"{moment.astimezone(zone):%H:%M} ({label})"

    if crossing.opens_at is None or crossing.closes_at is None:
        hours = _("open around the clock")
    else:
        hours = f"{crossing.opens_at:%H:%M}–{crossing.closes_at:%H:%M} ({polish_time})"
    window = (
        f"{handover.window_starts_at.astimezone(point_zone):%H:%M}–"
        f"{handover.window_ends_at.astimezone(point_zone):%H:%M} ({polish_time})"
    )
    remains = handover.type == HandoverType.REMAINS_REPATRIATION
    status = crossing_status_on(session, crossing.id, handover.travel_date)
    status_label = _status_label(status, _, language)
    notice = None
    if status is not None and status.state == CrossingState.RESTRICTED:
        notice = _("The crossing is open with restrictions: {note}").format(note=status.note or "—")
    documents = [
        _("A valid international passport for each traveller."),
        _("A visa or entry permit for the transit country and for Poland, where you need one."),
        _("A document proving your relationship (for example a birth or marriage certificate)."),
        _("This page, or at least your case reference {reference}.").format(reference=case.reference),
    ]
    if remains:
        documents.append(_("A power of attorney if you collect the remains on behalf of other family members."))
    steps = [
        _("Travel to {hub}.").format(hub=hub_name),
        _("Leave {hub} by taxi no later than {time}. The ride to the border takes about {minutes} minutes.").format(
            hub=hub_name, time=clock(depart, hub_zone, hub_time), minutes=crossing.taxi_minutes
        ),
        _("Be at the {crossing} border crossing by {time}. Border control can take a long time.").format(
            crossing=crossing_name, time=clock(at_crossing, point_zone, polish_time)
        ),
        _(
            "After the Polish border control, wait at the exit of the crossing. A ministry escort will meet you "
            "and name your case reference {reference}. Do not go with anyone who cannot name it."
        ).format(reference=case.reference),
        (
            _("The remains will be handed over between {window}.")
            if remains
            else _("You will meet your relative between {window}.")
        ).format(window=window),
    ]
    labels = {
        "case_reference": _("Case reference"),
        "date": _("Date"),
        "hub": _("Transit city"),
        "crossing": _("Border crossing"),
        "hours": _("Crossing hours"),
        "crossing_status": _("Crossing status on that day"),
        "depart_by": _("Leave the city by"),
        "at_crossing_by": _("Be at the crossing by"),
        "window": _("Handover window"),
        "meeting_place": _("Where you will be met"),
        "steps": _("Step by step"),
        "documents": _("Documents to bring"),
        "extra_documents": _("Also bring"),
        "contacts": _("Whom to call"),
        "notice": _("Notice"),
        "print": _("Print this page and take it with you."),
    }
    return TravelInstructions(
        language=language,  # type: ignore[arg-type]
        case_reference=case.reference,
        handover_type=handover.type,
        title=_("Repatriation of remains: travel instructions") if remains else _("Handover: travel instructions"),
        intro=(
            _("The remains of your relative will be handed over to the family. Please follow these instructions.")
            if remains
            else _("You are invited to meet your relative at a handover. Please follow these instructions.")
        ),
        state=handover.state,
        travel_date=handover.travel_date,
        travel_date_label=format_date(handover.travel_date, format="full", locale=language),
        hub_name=hub_name,
        hub_time_zone=hub.time_zone,
        crossing_name=crossing_name,
        crossing_hours=hours,
        crossing_status=status.state if status is not None else None,
        crossing_status_label=status_label,
        depart_hub_by=depart.astimezone(hub_zone),
        depart_hub_by_label=clock(depart, hub_zone, hub_time),
        be_at_crossing_by=at_crossing.astimezone(point_zone),
        be_at_crossing_by_label=clock(at_crossing, point_zone, polish_time),
        window_start=handover.window_starts_at.astimezone(point_zone),
        window_end=handover.window_ends_at.astimezone(point_zone),
        window_label=window,
        meeting_place=_(
            "On the Polish side of the {crossing} crossing, after border control. The escort takes you on to the "
            "handover point (about {minutes} minutes)."
        ).format(crossing=crossing_name, minutes=link.escort_minutes if link else "—"),
        steps=steps,
        documents=documents,
        documents_note=handover.documents_note,
        crossing_notice=notice,
        contacts=[
            Contact(
                label=_("Handover coordination desk"), phone=point.duty_phone, phone_display=_display(point.duty_phone)
            )
        ],
        labels=labels,
    )


def for_handover(session: Session, *, handover_id: uuid.UUID, language: str) -> TravelInstructions:
    return build(session, load(session, handover_id), language)


def travel_instructions_for_case(session: Session, case_id: uuid.UUID, language: str) -> TravelInstructions | None:
    """The family-facing instructions for the case's plan while it holds (`app.handovers.family_plan`), else None.

    For the portal: the caller has already established that the family may see `case_id`. Only family-safe
    fields are returned (no escort's details, no other relative's data, no internal notes).
    """
    plan = family_plan.for_family(session, case_id)
    if plan.handover is None:
        return None
    return build(session, plan.handover, language)


def render_html(instructions: TravelInstructions) -> str:
    return TEMPLATES.get_template("handovers/instructions.html").render(i=instructions)
