"""Request-scoped dependencies shared by every router: settings and the unit-of-work session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import new_session
from app.transaction import commit, rollback

# Requests with these methods change nothing but their audit trail: their transaction begins as a read.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back when it raises.

    Declared with `scope="function"` so the commit happens before the response is sent: a commit that fails
    (a serialization conflict, a constraint) reaches the client as an error instead of a false success, and a
    read's audit event is durable before the family or officer sees what they read.
    """
    session = new_session(request.app.state.session_factory, read=request.method in READ_METHODS)
    try:
        yield session
        commit(session)
    except BaseException:
        rollback(session)
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
