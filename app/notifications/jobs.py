"""The worker side: compose the message from the payload, then one SMTP exchange. Raising means retry later."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from sqlalchemy.orm import Session

from app import jobs
from app.db import settings_of
from app.metrics import MAIL_FAILED, MAIL_SENT
from app.notifications import sink
from app.notifications.mailer import build_message, send
from app.notifications.service import JOB_KIND, composer_for

log = logging.getLogger("app.notifications")


@jobs.handler(JOB_KIND)
def send_email(session: Session, payload: dict[str, Any]) -> None:
    kind = str(payload.get("kind", ""))
    email = composer_for(kind)(session, payload)
    if email is None:
        log.info("email dropped", extra={"kind": kind})
        return
    settings = settings_of(session).smtp
    message = build_message(
        settings, to=email.to, subject=email.subject, body=email.body, language=email.language, headers=email.headers
    )
    try:
        send(settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        MAIL_FAILED.labels(kind, type(exc).__name__).inc()
        directory = settings_of(session).mail_sink_directory
        if directory is None:
            raise  # the queue retries with back-off
        path = sink.keep(message, directory, kind)
        log.warning("no SMTP server took the email; kept in the development mail sink", extra={"path": str(path)})
        return
    except Exception as exc:
        MAIL_FAILED.labels(kind, type(exc).__name__).inc()
        raise
    MAIL_SENT.labels(kind).inc()
    log.info("email sent", extra={"kind": kind})
