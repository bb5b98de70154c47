"""Signing in and out of the console, sign-in steps, and the language switch."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.auth import service as auth_service
from app.auth.dependencies import public
from app.auth.permissions import permissions_for
from app.console import nav, sessions, signin
from app.console.dependencies import FormExpired, optional_staff, staff_page
from app.console.sessions import StaffContext
from app.console.web import (
    SESSION_COOKIE,
    anonymous_csrf_valid,
    anonymous_page,
    clear_session_cookie,
    console_settings,
    page,
    redirect,
    safe_next,
    set_language_cookie,
    set_session_cookie,
)
from app.deps import SessionDep, SettingsDep
from app.errors import TooManyRequests, Unauthorized
from app.i18n import SUPPORTED_LANGUAGES

router = APIRouter(prefix="/staff", tags=["console"], include_in_schema=False)
Field = Annotated[str, Form(max_length=1024)]


@router.get("", dependencies=[public()])
def sign_in_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The sign-in form; a signed-in member of staff goes on to their first screen."""
    staff = optional_staff(request, session)
    if staff is not None:
        return redirect(
            request, safe_next(request.query_params.get("next"), nav.home_for(staff.principal.permissions)), settings
        )
    notice = request.query_params.get("notice")
    return anonymous_page(
        request,
        settings,
        "console/sign_in.html",
        username="",
        error=None,
        notice=notice if notice in ("signed_out", "expired") else None,
        next=safe_next(request.query_params.get("next"), ""),
    )


@router.post("/sign-in", dependencies=[public()])
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Field = "",
    csrf_token: Field = "",
    next: Field = "",
) -> Response:
    """Step one: user name and password, checked by the same service as the API's token endpoint."""
    if not anonymous_csrf_valid(request, settings, csrf_token):
        raise FormExpired("The form has expired. Reload the page and try again.")
    typed = username.strip()[:64]

    def again(error: str, status: int, **extra: object) -> Response:
        return anonymous_page(
            request,
            settings,
            "console/sign_in.html",
            status_code=status,
            username=typed,
            error=error,
            notice=None,
            next=safe_next(next, ""),
            **extra,
        )

    if not typed or not password:
        return again("missing", 422)
    try:
        progress = signin.password_step(session, settings, username=typed, password=password)
    except TooManyRequests as exc:
        wait = int(exc.headers.get("Retry-After", "60"))
        response = again("throttled", 429, minutes=max(1, math.ceil(wait / 60)))
        response.headers["Retry-After"] = str(wait)
        return response
    except Unauthorized:
        return again("failed", 401)
    return _after_step(request, settings, progress, next)


def _after_step(request: Request, settings: SettingsDep, progress: signin.Progress, next: str) -> Response:
    if not progress.done:
        response = redirect(request, "/staff/sign-in/step", settings)
    else:
        home = nav.home_for(permissions_for(progress.user.roles))
        response = redirect(request, safe_next(next, home), settings)
    if progress.secret:
        set_session_cookie(response, settings, progress.secret)
    return response


@router.get("/sign-in/step", dependencies=[public()])
def step_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The page of the sign-in step the browser is at (a second factor, when one applies)."""
    pending = sessions.resolve_pending(session, console_settings(request), request.cookies.get(SESSION_COOKIE))
    step = signin.step_named(pending.step) if pending else None
    if pending is None or step is None:
        return redirect(request, "/staff?notice=expired", settings)
    return anonymous_page(request, settings, step.template, step=step.name, error=None)


@router.post("/sign-in/step", dependencies=[public()])
async def step_submit(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 1024}
    if not anonymous_csrf_valid(request, settings, fields.get("csrf_token")):
        raise FormExpired("The form has expired. Reload the page and try again.")
    pending = sessions.resolve_pending(session, console_settings(request), request.cookies.get(SESSION_COOKIE))
    step = signin.step_named(pending.step) if pending else None
    if pending is None or step is None:
        return redirect(request, "/staff?notice=expired", settings)
    try:
        progress = signin.further_step(session, settings, pending, fields)
    except signin.StepFailed as failure:
        return anonymous_page(
            request, settings, step.template, status_code=failure.status, step=step.name, error=failure.message
        )
    return _after_step(request, settings, progress, "")


@router.post("/sign-out")
def sign_out(
    request: Request, session: SessionDep, settings: SettingsDep, staff: Annotated[StaffContext, staff_page()]
) -> Response:
    sessions.end(session, staff.console_session_id)
    auth_service.logout(session, actor=staff.principal.actor, session_id=staff.principal.session_id)
    response = redirect(request, "/staff?notice=signed_out", settings)
    clear_session_cookie(response, settings)
    return response


@router.get("/language", dependencies=[public()])
def switch_language(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    lang: Annotated[str, Query(max_length=5)] = "",
    next: Annotated[str, Query(max_length=300)] = "/staff",
) -> Response:
    """Switch the console's language: remembered for the signed-in user (and in a cookie before sign-in).

    A GET is safe here: the session cookie is SameSite=Strict, so another site cannot change anyone's choice.
    """
    response = redirect(request, safe_next(next), settings)
    if lang in SUPPORTED_LANGUAGES:
        staff = optional_staff(request, session)
        if staff is not None:
            sessions.remember(session, staff.principal.user_id, language=lang)
        set_language_cookie(response, settings, lang)
    return response


@router.get("/account")
def account(request: Request, settings: SettingsDep, staff: Annotated[StaffContext, staff_page()]) -> Response:
    """Who is signed in, with which roles; language and time zone."""
    return page(request, settings, "console/account.html", staff, active="account", zones=ZONES)


ZONES = ("Europe/Kyiv", "Europe/Moscow", "Europe/Minsk", "Europe/Warsaw", "Europe/Berlin", "UTC")


@router.post("/account/time-zone")
def set_time_zone(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: Annotated[StaffContext, staff_page()],
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if time_zone in ZONES:
        sessions.remember(session, staff.principal.user_id, time_zone=time_zone)
    return redirect(request, "/staff/account?saved=1", settings)
