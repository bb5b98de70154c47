"""A real SMTP receiver on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests of outgoing mail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import Message

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_receiver(settings) -> Iterator[Inbox]:
    """Point `settings.smtp` (shared with the app under test) at a fresh receiver for the duration."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.smtp.host, settings.smtp.port, settings.smtp.security = "127.0.0.1", port, "none"
    try:
        yield inbox
    finally:
        controller.stop()
