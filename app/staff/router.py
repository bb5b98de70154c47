from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.auth.dependencies import require
from app.auth.permissions import Permission
from app.auth.principals import StaffPrincipal
from app.deps import SessionDep
from app.pagination import Page, PageDep
from app.staff import service
from app.staff.schemas import UserCreate, UserOut, UserUpdate

router = APIRouter(prefix="/api/v1/admin/users", tags=["admin"])
Admin = Annotated[StaffPrincipal, require(Permission.USERS_MANAGE)]


@router.get("", response_model=Page[UserOut])
def list_users(
    principal: Admin, session: SessionDep, page: PageDep, active: Annotated[bool | None, Query()] = None
) -> Page[UserOut]:
    users, total = service.list_users(session, limit=page.limit, offset=page.offset, active=active)
    return Page(items=[UserOut.model_validate(u) for u in users], total=total, limit=page.limit, offset=page.offset)


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, principal: Admin, session: SessionDep) -> UserOut:
    user = service.create_user(
        session,
        actor=principal.actor,
        username=body.username,
        email=str(body.email),
        full_name=body.full_name,
        password=body.password,
        roles=[r.value for r in body.roles],
    )
    return UserOut.model_validate(user)


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: uuid.UUID, principal: Admin, session: SessionDep) -> UserOut:
    return UserOut.model_validate(service.get_user(session, user_id))


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: uuid.UUID, body: UserUpdate, principal: Admin, session: SessionDep) -> UserOut:
    """Change a user's name, email, roles or active flag. Takes effect on the user's very next request."""
    user = service.update_user(
        session,
        actor=principal.actor,
        user=service.get_user(session, user_id),
        full_name=body.full_name,
        email=str(body.email) if body.email else None,
        roles=[r.value for r in body.roles] if body.roles is not None else None,
        is_active=body.is_active,
    )
    return UserOut.model_validate(user)


@router.post("/{user_id}/deactivate", response_model=UserOut)
def deactivate_user(user_id: uuid.UUID, principal: Admin, session: SessionDep) -> UserOut:
    """Deactivate a user and end all their sessions at once."""
    user = service.update_user(session, actor=principal.actor, user=service.get_user(session, user_id), is_active=False)
    return UserOut.model_validate(user)
