"""Mailbox fixtures: one real Dovecot for the run, a fresh IMAP folder per test, a real SMTP receiver."""

from __future__ import annotations

import itertools
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from imapclient import IMAPClient

from app.config import ImapAccount, Settings
from app.mailbox.imap import ImapPoller, RoundResult, connect
from tests.support.dovecot import PASSWORD, Dovecot, start_dovecot
from tests.support.smtp import Inbox, smtp_receiver

_folders = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = start_dovecot(("hotline",))
    yield server
    server.stop()


@dataclass
class Mailbox:
    """The test's IMAP folder: deliver into it, look at its flags, and poll it as the worker would."""

    server: Dovecot
    account: ImapAccount
    settings: Settings
    factory: object

    def client(self) -> IMAPClient:
        context = ssl.create_default_context(cafile=str(self.server.cert))
        client = IMAPClient("127.0.0.1", port=self.server.imaps_port, ssl=True, ssl_context=context)
        client.login("hotline", PASSWORD)
        return client

    def deliver(self, *messages: bytes) -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append(self.account.folder, raw)
        finally:
            client.logout()

    def flags(self, folder: str | None = None) -> list[tuple[bytes, ...]]:
        client = self.client()
        try:
            client.select_folder(folder or self.account.folder, readonly=True)
            found = client.fetch(client.search(["ALL"]), ["FLAGS"])
            return [tuple(found[uid][b"FLAGS"]) for uid in sorted(found)]
        finally:
            client.logout()

    def poll(self) -> RoundResult:
        poller = ImapPoller(self.account, self.factory, self.settings)  # type: ignore[arg-type]
        with connect(self.account) as client:
            return poller.poll(client)


def account_for(server: Dovecot, folder: str, **overrides: object) -> ImapAccount:
    values: dict[str, object] = {
        "name": "hotline",
        "host": "127.0.0.1",
        "port": server.imaps_port,
        "security": "tls",
        "username": "hotline",
        "password": PASSWORD,
        "folder": folder,
        "ca_file": server.cert,
    }
    values.update(overrides)
    return ImapAccount(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_mailbox(dovecot: Dovecot, settings: Settings, session_factory) -> Callable[..., Mailbox]:
    """A fresh folder in the test server's mailbox, configured as the app's only mailbox."""

    def factory(**overrides: object) -> Mailbox:
        folder = f"T{next(_folders)}"
        context = ssl.create_default_context(cafile=str(dovecot.cert))
        client = IMAPClient("127.0.0.1", port=dovecot.imaps_port, ssl=True, ssl_context=context)
        client.login("hotline", PASSWORD)
        client.create_folder(folder)
        client.logout()
        account = account_for(dovecot, folder, **overrides)
        settings.mailbox.accounts = [account]
        return Mailbox(dovecot, account, settings, session_factory)

    return factory


@pytest.fixture
def mailbox(make_mailbox: Callable[..., Mailbox]) -> Mailbox:
    return make_mailbox()


@pytest.fixture
def smtp_inbox(settings: Settings) -> Iterator[Inbox]:
    with smtp_receiver(settings) as inbox:
        yield inbox
