"""Request-scoped dependencies shared by every router: settings and the unit-of-work session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.transaction import unit_of_work

# Requests with these methods change nothing but their audit trail: their transaction begins as a read.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READS_ONLY = "liaison_reads_only"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def reads_only(endpoint: Endpoint) -> Endpoint:
    """Mark a route that only reads although its method is not GET (a lookup posted as a body): its transaction
    begins as a read, so on SQLite it runs in parallel with others instead of queueing for the write lock."""
    setattr(endpoint, READS_ONLY, True)
    return endpoint


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _request_transaction(request: Request, *, read: bool) -> Iterator[Session]:
    with unit_of_work(request.app.state.session_factory, read=read) as session:
        yield session


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back when it raises (unless it
    refuses with changes kept, `app.transaction.keep_when_refused`).

    Declared with `scope="function"` so the commit happens before the response is sent: a commit that fails
    (a serialization conflict, a constraint) reaches the client as an error instead of a false success, and a
    read's audit event is durable before the family or officer sees what they read.
    """
    endpoint = request.scope.get("endpoint")
    read = request.method in READ_METHODS or getattr(endpoint, READS_ONLY, False)
    yield from _request_transaction(request, read=read)


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
