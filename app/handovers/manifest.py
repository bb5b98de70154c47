"""The daily manifest of a handover point: one CSV row per traveller of each handover booked there that day.

Identity-document columns are present only for principals holding HANDOVER_TRAVELLER_DOCUMENTS; every export is
audited. Cells that a spreadsheet would run as a formula are neutralized.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record
from app.auth.principals import StaffPrincipal
from app.cases.models import Case
from app.errors import NotFound
from app.handovers.documents import sees_documents
from app.handovers.models import SLOT_STATES, Handover, Traveller
from app.handovers.service import travellers_of
from app.reference.models import BorderCrossing, EscortTeam, HandoverPoint, TransitHub

_SLOTS = [s.value for s in SLOT_STATES]
BASE_COLUMNS = [
    "window_start",
    "window_end",
    "escort_meets_at",
    "handover_id",
    "case_reference",
    "type",
    "state",
    "approved",
    "needs_attention",
    "hub",
    "crossing",
    "escort_team",
    "contact_phone",
    "traveller_name",
    "relationship",
    "traveller_phone",
]
DOCUMENT_COLUMNS = ["document_type", "document_number", "document_expires_on"]


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def daily_manifest(session: Session, *, principal: StaffPrincipal, point_id: uuid.UUID, day: date) -> tuple[str, str]:
    """The CSV text and a file name for `point_id` on `day` (times local to the point)."""
    point = session.get(HandoverPoint, point_id)
    if point is None:
        raise NotFound("No such handover point.")
    zone = ZoneInfo(point.time_zone)
    with_documents = sees_documents(principal)
    columns = BASE_COLUMNS + (DOCUMENT_COLUMNS if with_documents else [])
    rows = session.execute(
        select(Handover, Case.reference, TransitHub.name_en, BorderCrossing, EscortTeam.name)
        .join(Case, Case.id == Handover.case_id)
        .join(TransitHub, TransitHub.id == Handover.hub_id)
        .join(BorderCrossing, BorderCrossing.id == Handover.crossing_id)
        .join(EscortTeam, EscortTeam.id == Handover.escort_team_id)
        .where(Handover.point_id == point.id, Handover.travel_date == day, Handover.state.in_(_SLOTS))
        .order_by(Handover.window_starts_at, Handover.id)
    ).all()

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for handover, reference, hub_name, crossing, team_name in rows:
        base = [
            local(handover.window_starts_at),
            local(handover.window_ends_at),
            local(handover.escort_starts_at),
            handover.id,
            reference,
            handover.type,
            handover.state,
            "yes" if handover.approved_at else "no",
            "yes" if handover.needs_attention else "no",
            hub_name,
            f"{crossing.name_en} / {crossing.name_pl}",
            team_name,
            handover.contact_phone,
        ]
        travellers: list[Traveller | None] = list(travellers_of(session, handover.id)) or [None]
        for traveller in travellers:
            row = [*base]
            row += [traveller.full_name, traveller.relationship, traveller.phone] if traveller else ["", "", ""]
            if with_documents:
                row += (
                    [traveller.document_type, traveller.document_number, traveller.document_expires_on]
                    if traveller
                    else ["", "", ""]
                )
            writer.writerow([_safe(v) for v in row])
            count += 1
    record(
        session,
        actor=principal.actor,
        action="handover.manifest_exported",
        target_type="handover_point",
        target_id=point.id,
        details={"date": day, "rows": count, "with_documents": with_documents},
    )
    return buffer.getvalue(), f"manifest-{point.code}-{day.isoformat()}.csv"
