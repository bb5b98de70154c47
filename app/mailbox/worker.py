"""The mailbox pollers a worker runs: one thread per IMAP mailbox, and one for the development drop directory."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.mailbox.directory import DirectoryPoller
from app.mailbox.imap import ImapPoller

Runner = Callable[[Callable[[], bool]], None]


def pollers(factory: sessionmaker[Session], settings: Settings) -> dict[str, Runner]:
    """Each configured mailbox's `run(stop)`, by thread name."""
    runners: dict[str, Runner] = {
        f"mailbox-{account.name}": ImapPoller(account, factory, settings).run
        for account in settings.mailbox.imap_accounts()
    }
    directory = settings.mailbox_directory
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        runners["mailbox-directory"] = DirectoryPoller(directory, factory, settings).run
    return runners


def start_pollers(factory: sessionmaker[Session], settings: Settings, stop: threading.Event) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=run, args=(stop.is_set,), name=name, daemon=True)
        for name, run in pollers(factory, settings).items()
    ]
    for thread in threads:
        thread.start()
    return threads
