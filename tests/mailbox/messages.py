"""Test emails as a family's mail client would write them: real MIME, several charsets, attachments, HTML only."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

_counter = itertools.count(1)


def message_id() -> str:
    return f"<test-{next(_counter)}-{datetime.now(UTC).timestamp()}@family.example>"


def plain(
    body: str,
    *,
    sender: str = "Мария Иванова <maria.ivanova@family.example>",
    subject: str = "Ищу сына",
    charset: str = "utf-8",
    headers: dict[str, str] | None = None,
    mid: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "hotline@pow-liaison.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 29, 18, 30, tzinfo=UTC))
    msg["Message-ID"] = mid or message_id()
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body, charset=charset, cte="8bit" if charset != "utf-8" else "base64")
    return msg.as_bytes(policy=SMTP)


def legacy_cp1251(body: str, subject: str, sender_name: str, address: str) -> bytes:
    """The way an old Windows client writes: Windows-1251 body, subject and name as RFC 2047 encoded words."""
    from email.header import Header

    lines = [
        f"From: {Header(sender_name, 'windows-1251').encode()} <{address}>",
        "To: hotline@pow-liaison.example",
        f"Subject: {Header(subject, 'koi8-r').encode()}",
        "Date: Sun, 29 Nov 2026 21:30:00 +0300",
        f"Message-ID: {message_id()}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=windows-1251",
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body.replace("\n", "\r\n").encode("windows-1251")


def html_only(html: str, *, sender: str = "Olena Koval <olena@family.example>", subject: str = "Мій син") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = subject
    msg["Message-ID"] = message_id()
    msg.set_content(html, subtype="html", charset="utf-8")
    return msg.as_bytes(policy=SMTP)


def with_attachments(body: str, files: list[tuple[str, str, bytes]], *, sender: str = "anna@family.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = "Документы"
    msg["Message-ID"] = message_id()
    msg.set_content(body)
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=SMTP)


def bounce(original: bytes) -> bytes:
    """A delivery status notification (RFC 3464) as an MTA sends it: null Return-Path, multipart/report."""
    head = (
        "Return-Path: <>\r\n"
        "From: Mail Delivery System <MAILER-DAEMON@mx.family.example>\r\n"
        "To: hotline@pow-liaison.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {message_id()}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.family.example\r\n\r\n"
        "Final-Recipient: rfc822; nobody@family.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
    )
    return head.encode() + original + b"\r\n--b1--\r\n"
