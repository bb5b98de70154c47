"""Messages to a family's portal, written for the family in their language, and the reviewed templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from app.auth.dependencies import require
from app.auth.permissions import Permission as P
from app.auth.principals import StaffPrincipal
from app.cases import messages_to_family as family_messages
from app.deps import SessionDep
from app.idempotency.http import IdempotencyDep

router = APIRouter(prefix="/api/v1", tags=["cases"])

Reader = Annotated[StaffPrincipal, require(P.CASE_READ)]
Writer = Annotated[StaffPrincipal, require(P.CASE_CONTACT_LOG)]
Ref = Annotated[str, Path(max_length=40, description="Case reference, e.g. PW-7K4M-Q9XR-5, typed any way")]
Lang = Literal["ru", "uk", "en"]


class TemplateOut(BaseModel):
    key: str
    title: str
    texts: dict[str, str] = Field(description="The reviewed text in ru, uk and en")


class RecipientOut(BaseModel):
    inquiry_id: uuid.UUID
    relationship: str
    language: str = Field(description="Write to this requester in this language")
    email_updates: bool = Field(description="Whether they get an email saying a message is waiting")


class FamilyMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    language: Lang
    inquiry_id: uuid.UUID | None = Field(default=None, description="One requester; null for every requester")
    template: str | None = Field(default=None, max_length=40, description="A template key; `text` may adapt it")
    text: str | None = Field(default=None, max_length=4000)


class FamilyMessageOut(BaseModel):
    id: uuid.UUID
    occurred_at: datetime
    inquiry_id: uuid.UUID | None
    language: str
    text: str


@router.get("/family-message-templates", response_model=list[TemplateOut])
def list_templates(principal: Reader) -> list[TemplateOut]:
    """The reviewed message templates for common updates, each in ru, uk and en. None carries news."""
    return [TemplateOut(key=t.key, title=t.title, texts=t.texts) for t in family_messages.TEMPLATES]


@router.get(
    "/cases/{reference}/family-messages/recipients",
    response_model=list[RecipientOut],
    responses={404: {"description": "No such case, or not in your scope"}},
)
def list_recipients(reference: Ref, principal: Reader, session: SessionDep) -> list[RecipientOut]:
    """Who can receive a family message on this case, and the language each reads."""
    return [
        RecipientOut(
            inquiry_id=i.id,
            relationship=i.requester_relationship,
            language=i.requester_language,
            email_updates=bool(i.consent_contact_email and i.requester_email),
        )
        for i in family_messages.recipients(session, principal=principal, reference=reference)
    ]


@router.post(
    "/cases/{reference}/family-messages",
    response_model=FamilyMessageOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No such case, or not in your scope"},
        422: {"description": "Not in the requester's language, no text or template, or not this case's inquiry"},
    },
)
def send_family_message(
    reference: Ref, body: FamilyMessageIn, principal: Writer, session: SessionDep, idem: IdempotencyDep
) -> Response:
    """Write to the family's portal (the only way staff words reach it); consenting requesters get an email that a
    message is waiting, never the message itself."""

    def act() -> FamilyMessageOut:
        contact = family_messages.send_family_message(
            session,
            principal=principal,
            reference=reference,
            text=body.text,
            template_key=body.template,
            language=body.language,
            inquiry_id=body.inquiry_id,
        )
        return FamilyMessageOut(
            id=contact.id,
            occurred_at=contact.occurred_at,
            inquiry_id=contact.inquiry_id,
            language=body.language,
            text=contact.summary,
        )

    return idem.respond(session, principal, act, status_code=status.HTTP_201_CREATED)
