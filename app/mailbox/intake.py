"""Storing fetched messages: raw bytes for evidence, what was read from them, routing and acknowledgement, at once.

`store_messages` works in the caller's transaction and is idempotent: a message already stored from the same place
(mailbox, UIDVALIDITY, UID) or with the same identity (`dedupe_key`) is not stored again. The caller commits, and
only then marks the messages in the mailbox; a crash before the commit leaves them unmarked and unstored, a crash
after it leaves them stored and unmarked, and the next run stores nothing twice and marks them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.audit import record, system_actor
from app.config import Settings
from app.db import new_id, utcnow
from app.mailbox import acknowledge, routing
from app.mailbox.models import MailAttachment, MailMessage, MailState
from app.mailbox.parse import Limits, ParsedMail, parse_message
from app.transaction import unit_of_work

log = logging.getLogger("app.mailbox")


@dataclass(frozen=True, slots=True)
class Fetched:
    """One message as the mailbox gave it. `size` is the server's size when `raw` holds only the header."""

    raw: bytes
    uid: int | None = None
    size: int | None = None


@dataclass(slots=True)
class StoreResult:
    stored: int = 0
    known: int = 0
    """Already stored from this place (fetched again after a crash between commit and marking)."""
    duplicates: int = 0
    """The same message (Message-ID, or identical bytes) already stored from elsewhere."""


def dedupe_key(parsed: ParsedMail, raw: bytes) -> str:
    if parsed.message_id:
        return hashlib.sha256(b"message-id:" + parsed.message_id.lower().encode("utf-8", "replace")).hexdigest()
    return hashlib.sha256(b"raw:" + raw).hexdigest()


def _limits(settings: Settings) -> Limits:
    return Limits(
        max_attachment_bytes=settings.mailbox.max_attachment_bytes, max_attachments=settings.mailbox.max_attachments
    )


def _new_message(mailbox: str, uidvalidity: int | None, item: Fetched, parsed: ParsedMail, key: str) -> MailMessage:
    problems = list(parsed.problems)
    if item.size is not None and item.size > len(item.raw):
        problems.insert(
            0, f"message of {item.size} bytes is over the size limit: only its header is stored; read it in the mailbox"
        )
    return MailMessage(
        id=new_id(),
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        uid=item.uid,
        message_id=parsed.message_id,
        dedupe_key=key,
        raw=item.raw,
        raw_size=item.size if item.size is not None else len(item.raw),
        raw_sha256=hashlib.sha256(item.raw).hexdigest(),
        sender_address=parsed.sender_address,
        sender_name=parsed.sender_name,
        reply_to=parsed.reply_to,
        subject=parsed.subject,
        sent_at=parsed.sent_at,
        received_at=utcnow(),
        body_text=parsed.body_text,
        body_source=parsed.body_source,
        language=parsed.language,
        automatic=parsed.automatic[:60] if parsed.automatic else None,
        problems=problems[:50],
        state=MailState.NEW.value,
    )


def _known_uids(session: Session, mailbox: str, uidvalidity: int | None, uids: list[int]) -> set[int]:
    if uidvalidity is None or not uids:
        return set()
    rows = session.execute(
        select(MailMessage.uid).where(
            MailMessage.mailbox == mailbox, MailMessage.uidvalidity == uidvalidity, MailMessage.uid.in_(uids)
        )
    )
    return {int(uid) for (uid,) in rows if uid is not None}


class ConcurrentStore(Exception):
    """Another worker stored one of the batch's messages (or senders) meanwhile: store the batch again."""


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(MailMessage.dedupe_key).where(MailMessage.dedupe_key.in_(keys[start : start + 500]))
        )
        found.update(key for (key,) in rows)
    return found


def store_messages(
    session: Session, settings: Settings, *, mailbox: str, uidvalidity: int | None, items: Sequence[Fetched]
) -> StoreResult:
    """Store each new message of `items` with its attachments; route it; decide its acknowledgement.

    Raises `ConcurrentStore` when another worker stored some of them first (the transaction must be rolled back).
    """
    result = StoreResult()
    known = _known_uids(session, mailbox, uidvalidity, [i.uid for i in items if i.uid is not None])
    limits = _limits(settings)
    fresh: list[tuple[Fetched, ParsedMail, str]] = []
    keys: set[str] = set()
    for item in items:
        if item.uid is not None and item.uid in known:
            result.known += 1
            continue
        parsed = parse_message(item.raw, limits)
        key = dedupe_key(parsed, item.raw)
        if key in keys:
            result.duplicates += 1
            continue
        keys.add(key)
        fresh.append((item, parsed, key))
    existing = _existing_keys(session, sorted(keys))
    senders = {p.sender_address for _, p, k in fresh if p.sender_address and k not in existing}
    acknowledger = acknowledge.Acknowledger(session, settings, senders)
    new: list[tuple[MailMessage, Fetched, ParsedMail]] = []
    try:
        with session.no_autoflush:
            for item, parsed, key in fresh:
                if key in existing:
                    result.duplicates += 1
                    continue
                message = _new_message(mailbox, uidvalidity, item, parsed, key)
                session.add(message)
                new.append((message, item, parsed))
        session.flush()  # the messages first: attachments and contacts refer to them
        with session.no_autoflush:
            for message, item, parsed in new:
                _complete(session, acknowledger, message, item, parsed)
        session.flush()
    except IntegrityError as exc:
        raise ConcurrentStore from exc
    result.stored = len(new)
    return result


def _complete(
    session: Session, acknowledger: acknowledge.Acknowledger, message: MailMessage, item: Fetched, parsed: ParsedMail
) -> None:
    """Attachments, routing, acknowledgement and the audit event of a message just inserted."""
    for attachment in parsed.attachments:
        session.add(
            MailAttachment(
                mail_id=message.id,
                position=attachment.position,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
                content=attachment.content,
                problem=attachment.problem,
            )
        )
    routing.route(session, message)
    message.acknowledgement = acknowledger.consider(message).value
    record(
        session,
        actor=system_actor(),
        action="mail.received",
        target_type="mail_message",
        target_id=message.id,
        details={
            "mailbox": message.mailbox,
            "uid": item.uid,
            "state": message.state,
            "automatic": message.automatic,
            "problems": len(message.problems),
            "acknowledgement": message.acknowledgement,
        },
    )


def store_batch(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    mailbox: str,
    uidvalidity: int | None,
    items: Sequence[Fetched],
    attempts: int = 3,
) -> StoreResult:
    """`store_messages` in a transaction of its own, committed; run again when another worker raced it."""
    for attempt in range(1, attempts + 1):
        try:
            with unit_of_work(factory) as session:
                return store_messages(session, settings, mailbox=mailbox, uidvalidity=uidvalidity, items=items)
        except ConcurrentStore:
            if attempt == attempts:
                raise
            log.info("batch raced another worker; storing it again", extra={"mailbox": mailbox})
    raise AssertionError("unreachable")
