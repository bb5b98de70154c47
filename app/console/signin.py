"""Console sign-in as a sequence of steps: the password first (the API's own credential check, with its throttling
and audit), then every further step that applies to the user, then the working session.

A further step (a second factor) is one `SignInStep` registered with `add_step`: a name, whether it applies to a
user, the template that asks for it, and a `verify` that raises `StepFailed` (with a message for the page) when the
answer is wrong. Between steps the browser holds a short-lived pending session that opens nothing but the step page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.config import Settings
from app.console import sessions
from app.console.labels import N_
from app.console.models import ConsoleSession
from app.staff.models import StaffUser


class StepFailed(Exception):
    """The answer to a sign-in step was wrong; `message` (English source, `console` catalog) is shown."""

    def __init__(self, message: str, *, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class SignInStep:
    name: str
    applies: Callable[[Session, StaffUser], bool]
    template: str
    """Rendered with `step`, `error` and `csrf_token`; posts its fields to `/staff/sign-in/step`."""
    verify: Callable[[Session, Settings, StaffUser, Mapping[str, str]], None]


_STEPS: list[SignInStep] = []


def add_step(step: SignInStep) -> None:
    """Register a step after the password (idempotent per name)."""
    _STEPS[:] = [s for s in _STEPS if s.name != step.name] + [step]


def step_named(name: str) -> SignInStep | None:
    return next((s for s in _STEPS if s.name == name), None)


def next_step(session: Session, user: StaffUser, after: str | None = None) -> SignInStep | None:
    """The first step after `after` (or after the password, when None) that applies to `user`."""
    names = [s.name for s in _STEPS]
    start = names.index(after) + 1 if after in names else 0
    return next((s for s in _STEPS[start:] if s.applies(session, user)), None)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a sign-in stands: `secret` is the cookie to set; `done` when it is a working session."""

    secret: str
    done: bool
    user: StaffUser


def password_step(session: Session, settings: Settings, *, username: str, password: str) -> Progress:
    """Check the password (raises the API's 401/429 problems); then a pending step or the working session."""
    user = auth_service.verify_credentials(session, settings, username=username, password=password)
    return _advance(session, settings, user, after=None, pending=None)


def further_step(
    session: Session, settings: Settings, pending: sessions.PendingSignIn, form: Mapping[str, str]
) -> Progress:
    step = step_named(pending.step)
    if step is None:  # the step was removed since: start again
        raise StepFailed(N_("Your sign-in has expired. Sign in again."))
    step.verify(session, settings, pending.user, form)
    row = session.get(ConsoleSession, pending.console_session_id)
    return _advance(session, settings, pending.user, after=pending.step, pending=row)


def _advance(
    session: Session, settings: Settings, user: StaffUser, *, after: str | None, pending: ConsoleSession | None
) -> Progress:
    step = next_step(session, user, after)
    if step is not None:
        if pending is not None:
            pending.pending_step = step.name
            session.flush()
            return Progress(secret="", done=False, user=user)
        _, secret = sessions.open_pending(session, settings.console, user, step.name)
        return Progress(secret=secret, done=False, user=user)
    auth_session = auth_service.start_session(session, user, via="console")
    _, secret = sessions.open_session(session, settings.console, user, auth_session, pending)
    return Progress(secret=secret, done=True, user=user)
