"""The family JSON API under /api/v1/portal: the same data as the pages, for a future mobile app.

Sign in with reference + access code for a family bearer token (`typ=family`), or use the portal session cookie
(unsafe methods then need `X-CSRF-Token`). Every answer is about the caller's own case; any other reference is 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.auth.dependencies import public
from app.deps import SessionDep, SettingsDep
from app.portal import messages, online, sessions, signin, views
from app.portal.dependencies import FamilyApi
from app.portal.schemas import (
    ContactChannels,
    FamilyMessageAccepted,
    FamilyMessageIn,
    FamilyMessageOut,
    FamilySignIn,
    FamilyStatusOut,
    FamilyTokenOut,
    OnlineInquiryCreated,
    OnlineInquiryIn,
)
from app.portal.web import language_of, portal_settings

router = APIRouter(prefix="/api/v1/portal", tags=["family portal"])
Lang = Annotated[str | None, Query(pattern="^(ru|uk|en)$", description="Language of the texts; else Accept-Language.")]


def _status_out(status: views.FamilyStatus) -> FamilyStatusOut:
    return FamilyStatusOut(
        reference=status.reference,
        language=status.language,  # type: ignore[arg-type]
        status=status.status,
        headline=status.headline,
        explanation=status.explanation,
        next_steps=status.next_steps if status.care_note is None else [status.care_note, *status.next_steps],
        deceased=status.deceased,
        staff_called_at=status.staff_called_at,
        last_updated_at=status.last_updated_at,
        sought_person=status.sought_person,
        contacts=ContactChannels(phone=status.contacts.phone, email=status.contacts.email, hours=status.contacts.hours),
        messages=[
            FamilyMessageOut(occurred_at=m.occurred_at, from_family=m.from_family, text=m.text) for m in status.messages
        ],
        travel_instructions=status.travel_instructions,
        travel_notice=status.travel_notice,
        time_zone=status.time_zone,
    )


@router.post(
    "/token",
    response_model=FamilyTokenOut,
    dependencies=[public()],
    responses={401: {"description": "Wrong reference or code"}, 429: {"description": "Throttled; see Retry-After"}},
)
def issue_family_token(
    body: FamilySignIn, request: Request, session: SessionDep, settings: SettingsDep
) -> FamilyTokenOut:
    """Sign in with the case reference and access code; returns a family bearer token (valid up to 12 hours)."""
    result = signin.sign_in(
        session,
        settings,
        portal_settings(request),
        reference=body.reference,
        code=body.access_code,
        kind="token",
        language=body.language or language_of(request),
    )
    token, expires_in = sessions.family_token(settings, result.row, result.principal.case_reference)
    return FamilyTokenOut(access_token=token, expires_in=expires_in)


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(family: FamilyApi, session: SessionDep) -> None:
    """End this family session (token or cookie)."""
    signin.sign_out(session, family)


@router.get("/case", response_model=FamilyStatusOut)
def own_case(family: FamilyApi, request: Request, session: SessionDep, lang: Lang = None) -> FamilyStatusOut:
    """The signed-in family's case."""
    language = lang or language_of(request)
    return _status_out(views.view_status(session, portal_settings(request), family, reference=None, language=language))


@router.get("/cases/{reference}", response_model=FamilyStatusOut, responses={404: {"description": "Not your case"}})
def case_by_reference(
    reference: str, family: FamilyApi, request: Request, session: SessionDep, lang: Lang = None
) -> FamilyStatusOut:
    """A case by reference: only ever the family's own; any other reference is 404."""
    language = lang or language_of(request)
    return _status_out(
        views.view_status(session, portal_settings(request), family, reference=reference, language=language)
    )


@router.post(
    "/cases/{reference}/messages",
    response_model=FamilyMessageAccepted,
    status_code=status.HTTP_201_CREATED,
    responses={404: {"description": "Not your case"}, 429: {"description": "Too many messages"}},
)
def send_message(
    reference: str, body: FamilyMessageIn, family: FamilyApi, request: Request, session: SessionDep
) -> FamilyMessageAccepted:
    """Send a message (new information, a question) to the staff working on the case."""
    contact = messages.send_message(session, portal_settings(request), family, reference=reference, text=body.text)
    return FamilyMessageAccepted(occurred_at=contact.occurred_at, text=contact.summary)


@router.post(
    "/inquiries",
    response_model=OnlineInquiryCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[public()],
    responses={422: {"description": "Fields need attention"}, 429: {"description": "Too many inquiries"}},
)
def create_inquiry(
    body: OnlineInquiryIn, request: Request, session: SessionDep, settings: SettingsDep
) -> OnlineInquiryCreated:
    """The online inquiry form as JSON. The reference and access code are in this response only."""
    return online.submit_json(session, settings, portal_settings(request), body)
