"""Route guards for family routes, marked like `app.auth.dependencies` guards (`__permission__ = "family"`).

A family is signed in by the portal session cookie (pages and API) or a family bearer token (API only). A bearer
token must be a *family* token; staff routes demand `typ=access`, so the two never stand in for each other. Unsafe
API calls authenticated by the cookie must also carry the session's CSRF token in `X-CSRF-Token`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth.dependencies import bearer_token
from app.deps import SessionDep, SettingsDep
from app.errors import Forbidden, Unauthorized
from app.portal import sessions
from app.portal.sessions import FamilyContext
from app.portal.web import CSRF_HEADER, SESSION_COOKIE, portal_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Unauthorized):
    code, title = "sign-in-required", "Sign in to the family portal"


def optional_family(request: Request, session: SessionDep) -> FamilyContext | None:
    return sessions.resolve_cookie(session, portal_settings(request), request.cookies.get(SESSION_COOKIE))


def family_page(request: Request, session: SessionDep) -> FamilyContext:
    """A signed-in family (cookie); otherwise the page answers with the sign-in page."""
    family = optional_family(request, session)
    if family is None:
        raise SignInRequired("Your session has ended. Please sign in again.")
    return family


def family_api(request: Request, session: SessionDep, settings: SettingsDep) -> FamilyContext:
    """A signed-in family by family bearer token, or by the cookie plus CSRF header on unsafe methods."""
    portal = portal_settings(request)
    token = bearer_token(request)
    if token is not None:
        family = sessions.resolve_token(session, settings, portal, token)
        if family is None:
            raise Unauthorized("The family token is not valid or the session has ended.")
        return family
    family = sessions.resolve_cookie(session, portal, request.cookies.get(SESSION_COOKIE))
    if family is None:
        raise Unauthorized("Sign in to the family portal.")
    if request.method not in SAFE_METHODS and not sessions.csrf_valid(
        settings, str(family.session_id), request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("The CSRF token is missing or wrong.")
    return family


family_page.__permission__ = "family"  # type: ignore[attr-defined]
family_api.__permission__ = "family"  # type: ignore[attr-defined]

FamilyPage = Annotated[FamilyContext, Depends(family_page)]
FamilyApi = Annotated[FamilyContext, Depends(family_api)]
OptionalFamily = Annotated[FamilyContext | None, Depends(optional_family)]
