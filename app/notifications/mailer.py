"""One SMTP exchange per message with the standard library's `smtplib`.

Failures raise: the job queue retries with back-off and keeps the error type for operators.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.config import SmtpConfig
from app.context import request_id_var


def build_message(
    settings: SmtpConfig,
    *,
    to: str,
    subject: str,
    body: str,
    language: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    if request_id := request_id_var.get():
        message["X-Request-ID"] = request_id  # support can follow a mail back to the request that caused it
    for name, value in (headers or {}).items():
        del message[name]
        message[name] = value
    message.set_content(body, subtype="plain", charset="utf-8")
    message["Content-Language"] = language  # after set_content, which drops Content-* headers set before it
    return message


def send(settings: SmtpConfig, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)
