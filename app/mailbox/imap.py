"""Reading one IMAP mailbox with IMAPClient: IMAPS or STARTTLS, IDLE where the server offers it, polling otherwise.

Each round: search the folder for messages not yet marked, fetch them in batches with `BODY.PEEK[]` (which leaves
them unmarked), store a batch in one transaction, commit, and only then flag the batch `\\Seen` (or move it to the
processed folder). A message over the size limit is fetched as its header only and left for a person to read in the
mailbox. Connection errors end the round; the loop reconnects with a growing pause and never gives up.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy.orm import Session, sessionmaker

from app.config import ImapAccount, Settings
from app.mailbox.intake import Fetched, StoreResult, store_batch
from app.mailbox.pause import pause

log = logging.getLogger("app.mailbox")
SEEN = b"\\Seen"


@dataclass(frozen=True, slots=True)
class RoundResult:
    fetched: int
    result: StoreResult


def tls_context(account: ImapAccount) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(account.ca_file) if account.ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


@contextmanager
def connect(account: ImapAccount) -> Iterator[IMAPClient]:
    """A logged-in client with the folder selected read-write; TLS from the first byte or after STARTTLS."""
    context = tls_context(account)
    client = IMAPClient(
        account.host,
        port=account.effective_port,
        ssl=account.security == "tls",
        ssl_context=context,
        timeout=account.timeout_seconds,
    )
    try:
        if account.security == "starttls":
            client.starttls(context)
        client.login(account.username, account.password)
        if account.processed_folder and not client.folder_exists(account.processed_folder):
            client.create_folder(account.processed_folder)
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone; nothing to clean up then
            log.debug("logout failed", extra={"mailbox": account.name})


def _chunks(values: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


class ImapPoller:
    """Moves one mailbox's unmarked messages into the database. `mark_done` is a seam for the crash tests."""

    def __init__(self, account: ImapAccount, factory: sessionmaker[Session], settings: Settings) -> None:
        self.account = account
        self.factory = factory
        self.settings = settings

    def uidvalidity(self, client: IMAPClient) -> int:
        """(Re)select the folder: its UIDVALIDITY says whether the UIDs we stored still name the same messages."""
        return int(client.select_folder(self.account.folder)[b"UIDVALIDITY"])

    def poll(self, client: IMAPClient) -> RoundResult:
        """Store every unmarked message of the folder; returns how many were fetched and what became of them."""
        limits = self.settings.mailbox
        uidvalidity = self.uidvalidity(client)
        uids = sorted(int(u) for u in client.search(["UNSEEN", "UNDELETED"]))
        total = StoreResult()
        sizes: dict[int, int] = {}
        for chunk in _chunks(uids, 1000):  # one round trip per thousand; IMAP command lines are limited
            found = client.fetch(chunk, ["RFC822.SIZE"])
            sizes.update({int(u): int(data.get(b"RFC822.SIZE", 0)) for u, data in found.items()})
        for chunk in _chunks(uids, limits.batch_size):
            whole = [u for u in chunk if sizes.get(u, 0) <= limits.max_message_bytes]
            big = [u for u in chunk if u not in whole]
            items: list[Fetched] = []
            if whole:
                bodies = client.fetch(whole, ["BODY.PEEK[]"])
                items += [Fetched(raw=bytes(bodies[u][b"BODY[]"]), uid=u) for u in whole if u in bodies]
            if big:
                headers = client.fetch(big, ["BODY.PEEK[HEADER]"])
                items += [
                    Fetched(raw=bytes(headers[u][b"BODY[HEADER]"]), uid=u, size=sizes[u]) for u in big if u in headers
                ]
            result = store_batch(
                self.factory, self.settings, mailbox=self.account.name, uidvalidity=uidvalidity, items=items
            )
            self.mark_done(client, [item.uid for item in items if item.uid is not None])
            total.stored += result.stored
            total.known += result.known
            total.duplicates += result.duplicates
        if uids:
            log.info(
                "mailbox polled",
                extra={"mailbox": self.account.name, "fetched": len(uids), "stored": total.stored},
            )
        return RoundResult(len(uids), total)

    def mark_done(self, client: IMAPClient, uids: list[int]) -> None:
        """After the commit: flag the messages seen, or move them to the processed folder."""
        if not uids:
            return
        if self.account.processed_folder:
            if client.has_capability("MOVE"):
                client.move(uids, self.account.processed_folder)
                return
            client.copy(uids, self.account.processed_folder)
            client.add_flags(uids, [b"\\Deleted", SEEN], silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()
            return
        client.add_flags(uids, [SEEN], silent=True)

    def wait_for_news(self, client: IMAPClient, stop: Callable[[], bool]) -> None:
        """IDLE until the server reports a change (or `idle_seconds` pass); without IDLE, sleep `poll_seconds`."""
        limits = self.settings.mailbox
        if not client.has_capability("IDLE"):
            pause(limits.poll_seconds, stop)
            return
        client.idle()
        try:
            waited = 0.0
            while waited < limits.idle_seconds and not stop():
                if client.idle_check(timeout=1.0):
                    return
                waited += 1.0
        finally:
            client.idle_done()

    def run(self, stop: Callable[[], bool]) -> None:
        """Poll until `stop()`; reconnect after any failure with a growing pause (at most five minutes)."""
        backoff = 1.0
        while not stop():
            try:
                with connect(self.account) as client:
                    backoff = 1.0
                    while not stop():
                        self.poll(client)
                        self.wait_for_news(client, stop)
            except (OSError, IMAPClientError, ssl.SSLError) as exc:
                log.warning("mailbox unreachable", extra={"mailbox": self.account.name, "error": type(exc).__name__})
            except Exception:
                log.exception("mailbox round failed", extra={"mailbox": self.account.name})
            pause(backoff, stop)
            backoff = min(backoff * 2, 300.0)
