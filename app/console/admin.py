"""The administrator's screen: staff accounts and roles (create, deactivate) and lifting a sign-in pause.

A thin layer over `app.staff.service` (the functions behind `/api/v1/admin/users`) and
`app.auth.service.lift_sign_in_throttle`; every change is audited there.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.auth import service as auth_service
from app.auth.permissions import Permission as P
from app.auth.permissions import Role
from app.console import forms, nav
from app.console.dependencies import staff_page
from app.console.labels import N_
from app.console.sessions import StaffContext
from app.console.web import FormRejected, page, redirect
from app.deps import SessionDep, SettingsDep
from app.errors import Conflict, Unprocessable
from app.staff import service as staff_service

router = APIRouter(prefix="/staff/admin", tags=["console"], include_in_schema=False)
Admin = Annotated[StaffContext, staff_page(P.USERS_MANAGE)]
REQUIRED = "Required."
MIN_PASSWORD = 12

nav.add(nav.NavEntry("users", N_("Staff accounts"), "/staff/admin/users", P.USERS_MANAGE, order=70, shortcut="u"))


def _users_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffContext,
    *,
    v: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    users, total = staff_service.list_users(session, limit=500, offset=0)
    return page(
        request,
        settings,
        "console/admin/users.html",
        staff,
        active="users",
        status_code=status_code,
        users=users,
        total=total,
        roles=[r.value for r in Role],
        v=v or {},
        errors=errors or {},
        done=request.query_params.get("done"),
    )


@router.get("/users")
def users(request: Request, session: SessionDep, settings: SettingsDep, staff: Admin) -> Response:
    return _users_page(request, session, settings, staff)


@router.post("/users")
async def create_user(request: Request, session: SessionDep, settings: SettingsDep, staff: Admin) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 1024}
    chosen = [r for r in form.getlist("roles") if isinstance(r, str) and r in {role.value for role in Role}]
    errors = {name: REQUIRED for name in ("username", "email", "full_name") if not values.get(name, "").strip()}
    if len(values.get("password", "")) < MIN_PASSWORD:
        errors["password"] = N_("At least 12 characters.")
    if not chosen:
        errors["roles"] = N_("Choose at least one role.")
    if not errors:
        try:
            staff_service.create_user(
                session,
                actor=staff.principal.actor,
                username=values["username"],
                email=values["email"],
                full_name=values["full_name"].strip(),
                password=values["password"],
                roles=chosen,
            )
        except (Conflict, Unprocessable) as exc:
            errors = forms.field_errors(Unprocessable(exc.detail, **exc.extra))
    if errors:
        values.pop("password", None)
        values.update({f"role.{r}": "1" for r in chosen})
        raise FormRejected(_users_page(request, session, settings, staff, v=values, errors=errors, status_code=422))
    return redirect(request, "/staff/admin/users?done=created", settings)


@router.post("/users/{user_id}/deactivate")
async def deactivate(
    user_id: Annotated[uuid.UUID, Path()], request: Request, session: SessionDep, settings: SettingsDep, staff: Admin
) -> Response:
    user = staff_service.get_user(session, user_id)
    try:
        staff_service.update_user(session, actor=staff.principal.actor, user=user, is_active=False)
    except Unprocessable as exc:
        raise FormRejected(
            _users_page(request, session, settings, staff, errors=forms.field_errors(exc), status_code=422)
        ) from exc
    return redirect(request, "/staff/admin/users?done=deactivated", settings)


@router.post("/users/{user_id}/lift-throttle")
async def lift_throttle(
    user_id: Annotated[uuid.UUID, Path()], request: Request, session: SessionDep, settings: SettingsDep, staff: Admin
) -> Response:
    """Let a member of staff who mistyped their password too often sign in again now."""
    user = staff_service.get_user(session, user_id)
    auth_service.lift_sign_in_throttle(session, actor=staff.principal.actor, username=user.username)
    return redirect(request, "/staff/admin/users?done=lifted", settings)
