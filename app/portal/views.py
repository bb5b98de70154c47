"""The family-safe picture of a case, built in one place so the HTML pages and the JSON API cannot differ.

Only these facts leave this module: the confirmed status (in words), when it last changed for the family, the sought
person's name as this requester gave it, staff messages meant for this family (to everyone on the case or to this
requester), this requester's own messages, contact channels, and handover travel instructions once scheduled. Never
internal or staff notes, other requesters' details, registry data, or a pending (unconfirmed) outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.audit import record
from app.cases.disclosure import Disclosure, disclosure_for
from app.cases.family_status import status_key
from app.cases.models import Case, CaseContact, CaseState, ContactPurpose
from app.config import PortalConfig
from app.errors import NotFound
from app.handovers import family_plan
from app.handovers.instructions import build as build_instructions
from app.handovers.models import Handover, HandoverState, HandoverType
from app.handovers.schemas import TravelInstructions
from app.inquiries.models import Inquiry
from app.portal import texts
from app.portal.rendering import format_day, translate, zone_for
from app.portal.sessions import FamilyContext

S = CaseState
MESSAGE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class FamilyMessage:
    occurred_at: datetime
    from_family: bool
    text: str


@dataclass(frozen=True, slots=True)
class Contacts:
    phone: str
    email: str
    hours: str


@dataclass(frozen=True, slots=True)
class FamilyStatus:
    reference: str
    language: str
    status: str
    headline: str
    explanation: list[str]
    next_steps: list[str]
    deceased: bool
    care_note: str | None
    staff_called_at: datetime | None
    last_updated_at: datetime
    sought_person: str | None
    contacts: Contacts
    messages: list[FamilyMessage]
    travel_instructions: TravelInstructions | None
    travel_notice: list[str] | None
    time_zone: str


def family_status_key(case: Case, disclosure: Disclosure) -> str:
    """`status_key` through the disclosure gate: a death this requester was not yet told of is "important news"."""
    key = status_key(case)
    if key == "deceased" and not disclosure.may_tell_death:
        return "important_news"
    return key


def _remains_returned(session: Session, case: Case) -> bool:
    if CaseState(case.state) is S.HANDOVER_DONE:
        return True
    return (
        session.execute(
            select(Handover.id)
            .where(
                Handover.case_id == case.id,
                Handover.type == HandoverType.REMAINS_REPATRIATION.value,
                Handover.state == HandoverState.COMPLETED.value,
            )
            .limit(1)
        ).scalar_one_or_none()
        is not None
    )


def _care_note(disclosure: Disclosure, language: str) -> str:
    """What the care page says about how the family learned of the death: only what the contact log holds."""
    if disclosure.told_at is not None:
        template = texts.TOLD_IN_PERSON if disclosure.told_channel == "walk_in" else texts.TOLD_BY_PHONE
        return translate(language, template).format(date=format_day(disclosure.told_at, language))
    dates = ", ".join(dict.fromkeys(format_day(moment, language) for moment in disclosure.attempts))
    return translate(language, texts.RELEASED).format(dates=dates)


def _messages(session: Session, case: Case, inquiry: Inquiry) -> list[FamilyMessage]:
    """Staff messages written for the family (purpose `family_message`, to everyone or to this requester), this
    requester's own portal messages, and the online inquiry they sent us: never a contact-log entry or a note."""
    rows = session.execute(
        select(CaseContact)
        .where(
            CaseContact.visible_to_family.is_(True),
            or_(
                and_(CaseContact.direction == "inbound", CaseContact.inquiry_id == inquiry.id),
                and_(
                    CaseContact.direction == "outbound",
                    CaseContact.purpose == ContactPurpose.FAMILY_MESSAGE.value,
                    or_(
                        CaseContact.inquiry_id == inquiry.id,
                        and_(CaseContact.inquiry_id.is_(None), CaseContact.case_id == case.id),
                    ),
                ),
            ),
        )
        .order_by(CaseContact.occurred_at.desc(), CaseContact.created_at.desc())
        .limit(MESSAGE_LIMIT)
    ).scalars()
    messages = [FamilyMessage(row.occurred_at, row.direction == "inbound", row.summary) for row in rows]
    if inquiry.channel == "web" and inquiry.message_body and len(messages) < MESSAGE_LIMIT:
        messages.append(FamilyMessage(inquiry.received_at, True, inquiry.message_body))
    return messages


def _sought_person(inquiry: Inquiry) -> str | None:
    parts = [inquiry.sought_surname, inquiry.sought_given_name, inquiry.sought_patronymic]
    name = " ".join(part for part in parts if part)
    return name or None


def family_status(
    session: Session, portal: PortalConfig, family: FamilyContext, *, reference: str | None, language: str
) -> FamilyStatus:
    """The signed-in family's case. Asking for any other reference is 404, exactly like a case that does not exist."""
    case = session.get(Case, family.principal.case_id)
    inquiry = session.get(Inquiry, family.inquiry_id)
    if case is None or inquiry is None or (reference is not None and reference != case.reference):
        raise NotFound("No such case.")
    disclosure = disclosure_for(session, case, inquiry.id)
    key = family_status_key(case, disclosure)
    text = texts.STATUS_TEXTS[key]

    def _(message: str) -> str:
        return translate(language, message)

    contacts = Contacts(portal.contact_phone, portal.contact_email, portal.contact_hours)
    explanation = [_(line).format(phone=contacts.phone, hours=contacts.hours) for line in text.explanation]
    next_steps = [_(line) for line in text.next_steps]
    state = CaseState(case.state)
    deceased = key == "deceased"
    care_note, called_at = None, None
    if deceased:
        care_note = _care_note(disclosure, language)
        called_at = disclosure.told_at
        if _remains_returned(session, case):
            explanation.append(_(texts.REMAINS_DONE))
            next_steps = [_(texts.AFTER_REMAINS_RETURNED)]
        elif state is S.HANDOVER_PLANNED:
            explanation.append(_(texts.REMAINS_PLANNED))
    if state is S.CLOSED and key not in ("closed", "important_news"):
        explanation.append(_(texts.CASE_CLOSED_NOTE))
    instructions, travel_notice = None, None
    if key != "important_news":
        plan = family_plan.for_family(session, case.id)
        if plan.changed:
            travel_notice = [_(texts.TRAVEL_CHANGED), _(texts.TRAVEL_CHANGED_ON_THE_WAY)]
            if key == "handover_planned":
                next_steps = [_(texts.TRAVEL_WAIT_FOR_CALL)]
        elif plan.handover is not None:
            instructions = build_instructions(session, plan.handover, language)
            if key == "handover_planned":
                next_steps = [_(texts.TRAVEL_PLAN_BELOW)]
    return FamilyStatus(
        reference=case.reference,
        language=language,
        status=key,
        headline=_(text.headline),
        explanation=explanation,
        next_steps=next_steps,
        deceased=deceased,
        care_note=care_note,
        staff_called_at=called_at,
        last_updated_at=case.family_updated_at,
        sought_person=_sought_person(inquiry),
        contacts=contacts,
        messages=_messages(session, case, inquiry),
        travel_instructions=instructions,
        travel_notice=travel_notice,
        time_zone=zone_for(inquiry.requester_country, language),
    )


def view_status(
    session: Session, portal: PortalConfig, family: FamilyContext, *, reference: str | None, language: str
) -> FamilyStatus:
    """`family_status`, audited as the family reading its case (`portal.case_viewed`)."""
    status = family_status(session, portal, family, reference=reference, language=language)
    record(
        session,
        actor=family.principal.actor,
        action="portal.case_viewed",
        target_type="case",
        target_id=family.principal.case_id,
        details={"status": status.status, "language": language, "via": family.kind},
    )
    return status
