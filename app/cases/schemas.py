"""Case API schemas. Two views of a case, chosen per role (field-level access):

* `CaseStatusOut` (`view: "status"`): operators and coordinators. State, outcome, deadlines, the requesters and how
  to reach them. No internal notes, no proposals, no working particulars beyond the name and date of birth.
* `CaseFullOut` (`view: "full"`): case officers, supervisors, auditors. Everything.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.cases.deadlines import is_overdue
from app.cases.fields import Name, OptionalReason, PartialDate, PastDatetime, Place, Reason, ServiceNumber
from app.cases.fields import ShortText as Short
from app.cases.journal import ContactChannel, ContactDirection, NoteVisibility
from app.cases.models import Case, CaseContact, CaseNote, CaseState, ContactPurpose, OutcomeProposal, Priority
from app.cases.queries import CaseListItem, TimelineEntry
from app.cases.service import CaseRecord
from app.cases.workflow import RESERVED_STATES, allowed_targets
from app.inquiries.models import Inquiry

Strict = ConfigDict(extra="forbid")


class StaffRef(BaseModel):
    id: uuid.UUID
    full_name: str | None


def staff_ref(user_id: uuid.UUID | None, name: str | None) -> StaffRef | None:
    return StaffRef(id=user_id, full_name=name) if user_id is not None else None


def display_name(case: Case | Inquiry) -> str | None:
    parts = [case.sought_surname, case.sought_given_name, case.sought_patronymic]
    return " ".join(p for p in parts if p) or None


# --- inputs -----------------------------------------------------------------------------------------------------


class SoughtPatch(BaseModel):
    model_config = Strict

    surname: Name = None
    given_name: Name = None
    patronymic: Name = None
    date_of_birth: PartialDate = None
    place_of_birth: Place = None
    military_unit: Short = None
    rank: Short = None
    service_number: ServiceNumber = None


class CasePatch(BaseModel):
    """Only the fields sent are changed; `null` clears a field."""

    model_config = Strict

    priority: Priority | None = None
    next_review_at: AwareDatetime | None = None
    sought: SoughtPatch | None = None

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        sent = self.model_fields_set
        if "priority" in sent and self.priority is not None:
            values["priority"] = self.priority.value
        if "next_review_at" in sent:
            values["next_review_at"] = self.next_review_at
        if self.sought is not None:
            for name in self.sought.model_fields_set:
                values[f"sought_{name}"] = getattr(self.sought, name)
        return values


class TransitionIn(BaseModel):
    model_config = Strict

    to_state: CaseState
    reason: Reason


class DecisionIn(BaseModel):
    """A decision on the case's pending proposal; `proposal_id` names the one the decider reviewed."""

    model_config = Strict

    proposal_id: uuid.UUID
    reason: OptionalReason = None


class RejectionIn(DecisionIn):
    reason: Reason  # type: ignore[assignment]


class AssignmentIn(BaseModel):
    model_config = Strict

    officer_id: uuid.UUID | None = Field(description="A case officer or supervisor; null returns the case to the queue")
    reason: OptionalReason = None


class ContactIn(BaseModel):
    model_config = Strict

    direction: ContactDirection
    channel: ContactChannel
    occurred_at: PastDatetime | None = Field(default=None, description="Defaults to now")
    summary: Reason
    inquiry_id: uuid.UUID | None = Field(default=None, description="Which requester, when known")
    visible_to_family: bool = False
    purpose: ContactPurpose = Field(
        default=ContactPurpose.GENERAL,
        description="`death_notification`: this requester was told of the death by phone or in person (outbound, "
        "with their inquiry); it unlocks the news on their portal. `notification_attempt`: a call that did not "
        "reach them.",
    )


class NoteIn(BaseModel):
    model_config = Strict

    body: str = Field(min_length=1, max_length=8000)
    visibility: NoteVisibility = NoteVisibility.INTERNAL


class MergeIn(BaseModel):
    model_config = Strict

    duplicate_reference: str = Field(min_length=1, max_length=40, description="The case to merge into this one")
    reason: Reason


class AttachIn(BaseModel):
    model_config = Strict

    inquiry_id: uuid.UUID
    reason: Reason


class DetachIn(BaseModel):
    model_config = Strict

    inquiry_id: uuid.UUID
    reason: Reason


# --- outputs ----------------------------------------------------------------------------------------------------


class SoughtSummaryOut(BaseModel):
    surname: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None


class SoughtOut(SoughtSummaryOut):
    place_of_birth: str | None
    military_unit: str | None
    rank: str | None
    service_number: str | None


class RequesterOut(BaseModel):
    """A relative who asked, as an operator needs them to call back."""

    inquiry_id: uuid.UUID
    channel: str
    received_at: datetime
    full_name: str
    relationship: str
    phone: str | None
    email: str | None
    language: str
    city: str | None
    country: str | None
    consent_contact_email: bool
    consent_contact_phone: bool


class ProposalOut(BaseModel):
    id: uuid.UUID
    kind: str
    outcome: str | None
    from_state: str
    to_state: str
    reason: str
    proposed_by: uuid.UUID
    proposed_at: datetime
    status: str
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None

    @classmethod
    def of(cls, p: OutcomeProposal) -> ProposalOut:
        return cls(
            id=p.id,
            kind=p.kind,
            outcome=p.outcome,
            from_state=p.from_state,
            to_state=p.to_state,
            reason=p.reason,
            proposed_by=p.proposed_by_id,
            proposed_at=p.proposed_at,
            status=p.status,
            decided_by=p.decided_by_id,
            decided_at=p.decided_at,
            decision_reason=p.decision_reason,
        )


class NoteOut(BaseModel):
    id: uuid.UUID
    visibility: str
    body: str
    author: StaffRef | None
    created_at: datetime

    @classmethod
    def of(cls, note: CaseNote, author_name: str | None) -> NoteOut:
        return cls(
            id=note.id,
            visibility=note.visibility,
            body=note.body,
            author=staff_ref(note.author_id, author_name),
            created_at=note.created_at,
        )


class CaseSummaryOut(BaseModel):
    reference: str
    state: str
    outcome: str | None
    priority: str
    sought_name: str | None
    sought_date_of_birth: str | None
    assigned_officer: StaffRef | None
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    next_review_at: datetime | None
    overdue: bool
    awaiting_confirmation: bool
    inquiry_count: int
    merged: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: CaseListItem, now: datetime) -> CaseSummaryOut:
        case = item.case
        return cls(
            reference=case.reference,
            state=case.state,
            outcome=case.outcome,
            priority=case.priority,
            sought_name=display_name(case),
            sought_date_of_birth=case.sought_date_of_birth,
            assigned_officer=staff_ref(case.assigned_officer_id, item.officer_name),
            first_response_due_at=case.first_response_due_at,
            first_responded_at=case.first_responded_at,
            next_review_at=case.next_review_at,
            overdue=is_overdue(case, now),
            awaiting_confirmation=case.has_pending_proposal,
            inquiry_count=item.inquiry_count,
            merged=case.merged_into_id is not None,
            created_at=case.created_at,
            updated_at=case.updated_at,
        )


class CaseStatusOut(BaseModel):
    view: Literal["status"] = "status"
    reference: str
    state: str
    outcome: str | None
    outcome_confirmed_at: datetime | None
    priority: str
    sought: SoughtSummaryOut
    assigned_officer: StaffRef | None
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    next_review_at: datetime | None
    overdue: bool
    awaiting_confirmation: bool
    merged_into: str | None
    requesters: list[RequesterOut]
    created_at: datetime
    updated_at: datetime
    version: int


class CaseFullOut(CaseStatusOut):
    view: Literal["full"] = "full"  # type: ignore[assignment]
    sought: SoughtOut
    needs_review: bool
    review_reason: str | None
    allowed_transitions: list[str]
    pending_proposal: ProposalOut | None
    notes: list[NoteOut]


def _requester(i: Inquiry) -> RequesterOut:
    return RequesterOut(
        inquiry_id=i.id,
        channel=i.channel,
        received_at=i.received_at,
        full_name=i.requester_name,
        relationship=i.requester_relationship,
        phone=i.requester_phone,
        email=i.requester_email,
        language=i.requester_language,
        city=i.requester_city,
        country=i.requester_country,
        consent_contact_email=i.consent_contact_email,
        consent_contact_phone=i.consent_contact_phone,
    )


def case_view(rec: CaseRecord, now: datetime) -> CaseStatusOut:
    """The view this record's reader may see: `CaseFullOut` or `CaseStatusOut`."""
    case = rec.case
    officer = staff_ref(case.assigned_officer_id, rec.officer.full_name if rec.officer else None)
    common: dict[str, Any] = {
        "reference": case.reference,
        "state": case.state,
        "outcome": case.outcome,
        "outcome_confirmed_at": case.outcome_confirmed_at,
        "priority": case.priority,
        "assigned_officer": officer,
        "first_response_due_at": case.first_response_due_at,
        "first_responded_at": case.first_responded_at,
        "next_review_at": case.next_review_at,
        "overdue": is_overdue(case, now),
        "awaiting_confirmation": case.has_pending_proposal,
        "merged_into": rec.merged_into_reference,
        "requesters": [_requester(i) for i in rec.inquiries],
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "version": case.version,
    }
    summary = {
        "surname": case.sought_surname,
        "given_name": case.sought_given_name,
        "patronymic": case.sought_patronymic,
        "date_of_birth": case.sought_date_of_birth,
    }
    if not rec.full:
        return CaseStatusOut(sought=SoughtSummaryOut(**summary), **common)
    return CaseFullOut(
        sought=SoughtOut(
            **summary,
            place_of_birth=case.sought_place_of_birth,
            military_unit=case.sought_military_unit,
            rank=case.sought_rank,
            service_number=case.sought_service_number,
        ),
        needs_review=case.needs_review,
        review_reason=case.review_reason,
        allowed_transitions=[]
        if case.merged_into_id or case.has_pending_proposal
        else allowed_targets(case.state, exclude=RESERVED_STATES),
        pending_proposal=ProposalOut.of(rec.pending) if rec.pending else None,
        notes=[NoteOut.of(note, author) for note, author in rec.notes],
        **common,
    )


class TransitionOut(BaseModel):
    applied: bool = Field(description="False when the move is a proposal awaiting a second person")
    case: CaseFullOut
    proposal: ProposalOut | None


class ContactOut(BaseModel):
    id: uuid.UUID
    direction: str
    channel: str
    occurred_at: datetime
    summary: str
    staff: StaffRef | None
    inquiry_id: uuid.UUID | None
    visible_to_family: bool
    purpose: str
    language: str | None

    @classmethod
    def of(cls, contact: CaseContact, staff_name: str | None) -> ContactOut:
        return cls(
            id=contact.id,
            direction=contact.direction,
            channel=contact.channel,
            occurred_at=contact.occurred_at,
            summary=contact.summary,
            staff=staff_ref(contact.staff_id, staff_name),
            inquiry_id=contact.inquiry_id,
            visible_to_family=contact.visible_to_family,
            purpose=contact.purpose,
            language=contact.language,
        )


class TimelineEntryOut(BaseModel):
    id: int
    occurred_at: datetime
    case_reference: str
    kind: str
    actor: str = Field(description="A staff user id, `family:<reference>` or `system`")
    actor_name: str | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryOut:
        e = entry.event
        return cls(
            id=e.id,
            occurred_at=e.occurred_at,
            case_reference=entry.case_reference,
            kind=e.kind,
            actor=e.actor,
            actor_name=entry.actor_name,
            from_state=e.from_state,
            to_state=e.to_state,
            reason=e.reason,
            details=e.details,
        )


class DetachOut(BaseModel):
    inquiry_id: uuid.UUID
    previous_case_reference: str
    case_reference: str
    access_code: str = Field(description="The requester's new portal access code; shown only this once")
