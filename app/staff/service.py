"""Staff accounts: create, list, change roles, deactivate. Every change is audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.audit.service import diff
from app.auth.passwords import hash_password
from app.auth.service import revoke_all_sessions
from app.errors import Conflict, NotFound, Unprocessable
from app.staff.models import StaffUser


def _snapshot(user: StaffUser) -> dict[str, object]:
    return {"email": user.email, "full_name": user.full_name, "roles": sorted(user.roles), "is_active": user.is_active}


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    email: str,
    full_name: str,
    password: str,
    roles: Sequence[str],
    password_hash: str | None = None,
) -> StaffUser:
    username, email = username.strip().lower(), email.strip().lower()
    taken = session.execute(
        select(StaffUser.username, StaffUser.email).where((StaffUser.username == username) | (StaffUser.email == email))
    ).first()
    if taken is not None:
        pointer = "#/username" if taken.username == username else "#/email"
        raise Conflict(
            "A user with this user name or email already exists.",
            errors=[{"pointer": pointer, "detail": "already in use"}],
        )
    user = StaffUser(
        username=username,
        email=email,
        full_name=full_name,
        password_hash=password_hash or hash_password(password),
        roles=sorted({str(r) for r in roles}),
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor,
        action="user.created",
        target_type="staff_user",
        target_id=user.id,
        changes=diff(session, {}, _snapshot(user)),
        details={"username": username},
    )
    return user


def get_user(session: Session, user_id: uuid.UUID) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def list_users(session: Session, *, limit: int, offset: int, active: bool | None = None) -> tuple[list[StaffUser], int]:
    query = select(StaffUser)
    if active is not None:
        query = query.where(StaffUser.is_active.is_(active))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    users = session.execute(query.order_by(StaffUser.username).limit(limit).offset(offset)).scalars().all()
    return list(users), total


def update_user(
    session: Session,
    *,
    actor: Actor,
    user: StaffUser,
    full_name: str | None = None,
    email: str | None = None,
    roles: Sequence[str] | None = None,
    is_active: bool | None = None,
) -> StaffUser:
    if str(user.id) == actor.id and (is_active is False or (roles is not None and "admin" not in roles)):
        raise Unprocessable.field(
            "#/is_active" if is_active is False else "#/roles",
            "Administrators cannot lock themselves out; ask another administrator.",
        )
    before = _snapshot(user)
    if full_name is not None:
        user.full_name = full_name
    if email is not None and email.lower() != user.email:
        if session.execute(select(StaffUser.id).where(StaffUser.email == email.lower())).first():
            raise Conflict("This email is already in use.", errors=[{"pointer": "#/email", "detail": "already in use"}])
        user.email = email.lower()
    if roles is not None:
        user.roles = sorted({str(r) for r in roles})
    if is_active is not None:
        user.is_active = is_active
    session.flush()
    changes = diff(session, before, _snapshot(user))
    if not changes:
        return user
    if is_active is False and before["is_active"]:
        revoke_all_sessions(session, user.id, "deactivated")
        action = "user.deactivated"
    elif "roles" in changes:
        action = "user.roles_changed"
    else:
        action = "user.updated"
    record(session, actor=actor, action=action, target_type="staff_user", target_id=user.id, changes=changes)
    return user
