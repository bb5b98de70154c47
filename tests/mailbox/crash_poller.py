"""Run one mailbox poll in a process of its own and SIGKILL it at a chosen moment (used by test_crash.py).

`before-commit`: the batch is fetched, parsed and flushed into the open transaction, then the process dies.
`before-mark`: the batch is committed, then the process dies before flagging the messages in the mailbox.
Settings come from `LIAISON_*` variables, as for the real worker.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

import app.models  # noqa: F401
from app import job_handlers  # noqa: F401
from app.mailbox import imap, intake
from app.mailbox.cli import poll


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def _dying_unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    yield session
    session.flush()
    _die()


def main() -> None:
    moment = sys.argv[1]
    if moment == "before-commit":
        intake.unit_of_work = _dying_unit_of_work  # type: ignore[assignment]
    elif moment == "before-mark":
        imap.ImapPoller.mark_done = lambda self, client, uids: _die()  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown moment {moment}")
    poll(name=None)


if __name__ == "__main__":
    main()
