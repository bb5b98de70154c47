from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, status
from pydantic import BaseModel

from app.auth import service
from app.auth.dependencies import authenticated, public
from app.auth.principals import StaffPrincipal
from app.auth.schemas import MeResponse, RefreshRequest, TokenResponse
from app.deps import SessionDep, SettingsDep
from app.errors import Unauthorized
from app.staff.models import StaffUser

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginForm(BaseModel):
    username: str
    password: str


def _login_form(
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> LoginForm:
    return LoginForm(username=username, password=password)


def _token_response(pair: service.TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token,
        expires_in=pair.access_expires_in,
        refresh_token=pair.refresh_token,
        refresh_expires_in=pair.refresh_expires_in,
    )


@router.post("/token", response_model=TokenResponse, dependencies=[public()])
def issue_token(
    form: Annotated[LoginForm, Depends(_login_form)], session: SessionDep, settings: SettingsDep
) -> TokenResponse:
    """Sign in with user name and password (OAuth2 password form). Failed attempts are throttled."""
    return _token_response(service.login(session, settings, username=form.username, password=form.password))


@router.post("/refresh", response_model=TokenResponse, dependencies=[public()])
def refresh_token(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenResponse:
    """Exchange a refresh token for a new pair. Each refresh token works once."""
    return _token_response(service.refresh(session, settings, refresh_token=body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(principal: Annotated[StaffPrincipal, authenticated()], session: SessionDep) -> None:
    """End this sign-in session: its refresh tokens and access tokens stop working."""
    service.logout(session, actor=principal.actor, session_id=principal.session_id)


@router.get("/me", response_model=MeResponse)
def me(principal: Annotated[StaffPrincipal, authenticated()], session: SessionDep) -> MeResponse:
    user = session.get(StaffUser, principal.user_id)
    if user is None:
        raise Unauthorized()
    return MeResponse(
        id=str(user.id),
        username=user.username,
        full_name=user.full_name,
        roles=sorted(user.roles),
        permissions=service.describe_permissions(user),
    )
