"""The family portal's HTML pages. Server-rendered, no JavaScript, every form CSRF-protected.

Routes stay thin: parse the form, check CSRF, call one service function, render or redirect.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.dependencies import public
from app.cases.references import InvalidReference, parse_reference
from app.deps import SessionDep, SettingsDep
from app.errors import Forbidden
from app.i18n import SUPPORTED_LANGUAGES
from app.portal import messages, online, sessions, signin, unsubscribe, views
from app.portal.dependencies import FamilyPage, OptionalFamily
from app.portal.online import InquiryForm
from app.portal.web import (
    CSRF_COOKIE,
    anonymous_csrf_binding,
    clear_session_cookie,
    language_of,
    page,
    portal_settings,
    safe_next,
    security_headers,
    set_csrf_cookie,
    set_language_cookie,
    set_session_cookie,
)

router = APIRouter(prefix="/portal", tags=["portal pages"], include_in_schema=False)
Text = Annotated[str, Form(max_length=10_000)]
EXPIRED_FORM = "The form has expired. Go back, reload the page and try again."


def mistyped_check_character(typed: str) -> bool:
    """A reference of the right shape whose check character does not match: a typo we can name (the algorithm is
    public, so saying so reveals nothing; no failure is counted and no code is checked)."""
    try:
        parse_reference(typed)
    except InvalidReference as exc:
        return any("check character" in str(e.get("detail", "")) for e in exc.extra.get("errors", []))
    return False


def _redirect(url: str, settings: SettingsDep) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    security_headers(response, settings)
    return response


def _anonymous_page(
    request: Request,
    settings: SettingsDep,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    """A page for visitors who are not signed in, with the anonymous CSRF token for its form."""
    binding, fresh = anonymous_csrf_binding(request)
    response = page(
        request,
        settings,
        template,
        language=language_of(request),
        status_code=status_code,
        headers=headers,
        csrf_token=sessions.csrf_token(settings, "anon:" + binding),
        signed_in=False,
        **context,
    )
    if fresh:
        set_csrf_cookie(response, settings, binding)
    return response


def _check_anonymous_csrf(request: Request, settings: SettingsDep, supplied: str) -> None:
    binding = request.cookies.get(CSRF_COOKIE)
    if not sessions.csrf_valid(settings, "anon:" + binding if binding else None, supplied):
        raise Forbidden(EXPIRED_FORM)


def _check_family_csrf(settings: SettingsDep, family: sessions.FamilyContext, supplied: str) -> None:
    if not sessions.csrf_valid(settings, str(family.session_id), supplied):
        raise Forbidden(EXPIRED_FORM)


@router.get("", dependencies=[public()])
def home(request: Request, settings: SettingsDep, family: OptionalFamily) -> Response:
    """The sign-in page, or the family's case when already signed in."""
    if family is not None:
        return _redirect(f"/portal/cases/{family.principal.case_reference}", settings)
    notice = "signed_out" if request.query_params.get("signed_out") else None
    return _anonymous_page(request, settings, "portal/sign_in.html", error=None, notice=notice, reference="")


@router.post("/sign-in", dependencies=[public()])
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    reference: Text = "",
    access_code: Text = "",
    csrf_token: Text = "",
) -> Response:
    _check_anonymous_csrf(request, settings, csrf_token)
    typed = reference.strip()[:64]
    if mistyped_check_character(typed):
        return _anonymous_page(
            request,
            settings,
            "portal/sign_in.html",
            status_code=422,
            error="reference_typo",
            notice=None,
            reference=typed,
        )
    try:
        result = signin.sign_in(
            session,
            settings,
            portal_settings(request),
            reference=typed,
            code=access_code[:64],
            kind="cookie",
            language=language_of(request),
        )
    except signin.SignInThrottled as exc:
        wait = int(exc.headers.get("Retry-After", "60"))
        minutes = max(1, math.ceil(wait / 60))
        return _anonymous_page(
            request,
            settings,
            "portal/sign_in.html",
            status_code=429,
            headers={"Retry-After": str(wait)},
            error="locked",
            minutes=minutes,
            notice=None,
            reference=typed,
        )
    except signin.SignInFailed:
        return _anonymous_page(
            request, settings, "portal/sign_in.html", status_code=401, error="failed", notice=None, reference=typed
        )
    response = _redirect(f"/portal/cases/{result.principal.case_reference}", settings)
    set_session_cookie(response, settings, result.secret)
    return response


@router.get("/status")
def status_redirect(family: FamilyPage, settings: SettingsDep) -> Response:
    """A stable address for bookmarks: the signed-in family's own case."""
    return _redirect(f"/portal/cases/{family.principal.case_reference}", settings)


@router.get("/cases/{reference}")
def case_status(
    reference: str,
    request: Request,
    family: FamilyPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The family's case: status in plain words, last update, messages, contacts, travel instructions."""
    language = language_of(request)
    status = views.view_status(session, portal_settings(request), family, reference=reference, language=language)
    return page(
        request,
        settings,
        "portal/status.html",
        language=language,
        csrf_token=sessions.csrf_token(settings, str(family.session_id)),
        signed_in=True,
        status=status,
        time_zone=status.time_zone,
        sent=request.query_params.get("sent") == "1",
        message_error=None,
        message_text="",
    )


@router.post("/cases/{reference}/messages")
def send_message(
    reference: str,
    request: Request,
    family: FamilyPage,
    session: SessionDep,
    settings: SettingsDep,
    text: Text = "",
    csrf_token: Text = "",
) -> Response:
    _check_family_csrf(settings, family, csrf_token)
    portal = portal_settings(request)
    language = language_of(request)
    if not text.strip() or len(text.strip()) > messages.MAX_LENGTH:
        status = views.view_status(session, portal, family, reference=reference, language=language)
        return page(
            request,
            settings,
            "portal/status.html",
            language=language,
            status_code=422,
            csrf_token=sessions.csrf_token(settings, str(family.session_id)),
            signed_in=True,
            status=status,
            time_zone=status.time_zone,
            sent=False,
            message_error="empty" if not text.strip() else "too_long",
            message_text=text[: messages.MAX_LENGTH * 2],
        )
    messages.send_message(session, portal, family, reference=reference, text=text)
    return _redirect(f"/portal/cases/{family.principal.case_reference}?sent=1#messages", settings)


@router.post("/sign-out")
def sign_out(family: FamilyPage, session: SessionDep, settings: SettingsDep, csrf_token: Text = "") -> Response:
    _check_family_csrf(settings, family, csrf_token)
    signin.sign_out(session, family)
    response = _redirect("/portal?signed_out=1", settings)
    clear_session_cookie(response, settings)
    return response


@router.get("/language", dependencies=[public()])
def switch_language(
    settings: SettingsDep,
    lang: Annotated[str, Query(max_length=5)] = "",
    next: Annotated[str, Query(max_length=300)] = "/portal",
) -> Response:
    """Switch the portal language and remember it; back to the page the visitor was on."""
    response = _redirect(safe_next(next), settings)
    if lang in SUPPORTED_LANGUAGES:
        set_language_cookie(response, settings, lang)
    return response


@router.get("/inquiry", dependencies=[public()])
def inquiry_page(request: Request, settings: SettingsDep) -> Response:
    """The public online inquiry form."""
    return _anonymous_page(
        request,
        settings,
        "portal/inquiry_form.html",
        form=online.empty_form(language_of(request)),
        errors={},
        countries=online.COUNTRIES,
    )


@router.post("/inquiry", dependencies=[public()])
def submit_inquiry(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[InquiryForm, Depends(online.inquiry_form)],
) -> Response:
    """Register an online inquiry; on success the new reference and access code are shown this once."""
    _check_anonymous_csrf(request, settings, form.csrf_token)
    outcome = online.submit_form(session, settings, portal_settings(request), form)
    if outcome.errors:
        return _anonymous_page(
            request,
            settings,
            "portal/inquiry_form.html",
            status_code=422,
            form=form,
            errors=outcome.errors,
            countries=online.COUNTRIES,
        )
    assert outcome.created is not None
    return _anonymous_page(
        request,
        settings,
        "portal/inquiry_done.html",
        status_code=201,
        reference=outcome.created.reference,
        access_code=outcome.created.access_code,
    )


@router.get("/unsubscribe", dependencies=[public()])
def unsubscribe_page(
    request: Request, settings: SettingsDep, token: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """The link in every email: asks to confirm (mail scanners follow links; only the button unsubscribes)."""
    state = "confirm" if unsubscribe.inquiry_of(settings, token) else "invalid"
    return _anonymous_page(request, settings, "portal/unsubscribe.html", state=state, token=token)


@router.post("/unsubscribe", dependencies=[public()])
def unsubscribe_confirm(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Query(max_length=200)] = "",
    form_token: Annotated[str, Form(alias="token", max_length=200)] = "",
) -> Response:
    """Stop the emails without signing in. The token alone authorizes it (no cookie is involved, so no CSRF
    token is needed), which also lets mail clients use RFC 8058 one-click unsubscribe on the same address."""
    done = unsubscribe.unsubscribe(session, settings, form_token or token)
    return _anonymous_page(
        request,
        settings,
        "portal/unsubscribe.html",
        status_code=200 if done else 400,
        state="done" if done else "invalid",
        token="",
    )
