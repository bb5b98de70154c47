"""The development mailbox: `.eml` files dropped into a directory (`var/inbox/` under `make run`).

Each file is stored like a fetched message (mailbox `directory`, no UID; identified by its Message-ID or its bytes)
and, after the commit, moved to `processed/` beside it. A file that cannot be read is left where it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.mailbox.intake import Fetched, StoreResult, store_batch
from app.mailbox.pause import pause

log = logging.getLogger("app.mailbox")
MAILBOX_NAME = "directory"


class DirectoryPoller:
    def __init__(self, directory: Path, factory: sessionmaker[Session], settings: Settings) -> None:
        self.directory = directory
        self.processed = directory / "processed"
        self.factory = factory
        self.settings = settings

    def poll(self) -> StoreResult:
        self.processed.mkdir(parents=True, exist_ok=True)
        files = sorted(p for p in self.directory.glob("*.eml") if p.is_file())
        total = StoreResult()
        size = self.settings.mailbox.batch_size
        for start in range(0, len(files), size):
            batch: list[tuple[Path, Fetched]] = []
            for path in files[start : start + size]:
                try:
                    batch.append((path, Fetched(raw=path.read_bytes())))
                except OSError:
                    log.warning("unreadable file in the mail directory", extra={"file": path.name})
            result = store_batch(
                self.factory, self.settings, mailbox=MAILBOX_NAME, uidvalidity=None, items=[f for _, f in batch]
            )
            for path, _ in batch:
                path.replace(self.processed / path.name)
            total.stored += result.stored
            total.duplicates += result.duplicates
        return total

    def run(self, stop: Callable[[], bool]) -> None:
        while not stop():
            try:
                self.poll()
            except Exception:
                log.exception("mail directory round failed")
            pause(self.settings.mailbox.directory_poll_seconds, stop)
