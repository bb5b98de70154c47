"""Reading an RFC 5322 message with the standard library's `email` package (`policy.default`), defensively.

Mail from families arrives from every kind of client: encoded-word headers in KOI8-R, bodies in Windows-1251 with or
without a declared charset, HTML only, broken MIME. `parse_message` never raises: whatever cannot be read is listed in
`problems` for the operator (the raw bytes are stored anyway), and the best reading is kept.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from functools import lru_cache

from app.mailbox.automatic import automatic_reason
from app.mailbox.htmltext import html_to_text
from app.mailbox.language import detect_language


class _MemoPolicy(EmailPolicy):
    """`policy.default` (which is `EmailPolicy()`) with each header value parsed once.

    `policy.default` builds a header object from the source text on every access, and the parser itself asks for
    a part's Content-Type several times; the same few values (`text/plain; charset=utf-8`, `base64`) recur in every
    message. Header objects are immutable, so parsed structural headers are shared (never senders or subjects:
    no personal data lingers in a cache).
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name") or name.lower() not in _STRUCTURAL:
            return super().header_fetch_parse(name, value)  # type: ignore[no-any-return]
        return _parsed_header(name, value)


_STRUCTURAL = frozenset({"content-type", "content-transfer-encoding", "content-disposition", "mime-version"})
_POLICY = _MemoPolicy()


@lru_cache(maxsize=8192)
def _parsed_header(name: str, value: str) -> str:
    return EmailPolicy.header_fetch_parse(_POLICY, name, value)  # type: ignore[no-any-return]


MAX_BODY_CHARS = 100_000
"""The inquiry's message field holds this much; the raw message keeps the rest."""
_FALLBACK_CHARSETS = ("utf-8", "windows-1251", "koi8-r")


@dataclass(frozen=True, slots=True)
class Limits:
    max_attachment_bytes: int = 15 * 1024 * 1024
    max_attachments: int = 20


@dataclass(slots=True)
class ParsedAttachment:
    position: int
    filename: str | None
    content_type: str
    size: int
    sha256: str | None
    content: bytes | None
    problem: str | None = None


@dataclass(slots=True)
class ParsedMail:
    message_id: str | None = None
    sender_address: str | None = None
    sender_name: str | None = None
    reply_to: str | None = None
    subject: str | None = None
    sent_at: datetime | None = None
    body_text: str | None = None
    body_source: str = "none"
    language: str | None = None
    automatic: str | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def decode_text(payload: bytes, declared: str | None, problems: list[str], what: str) -> str:
    """Text in its declared charset; when that is unknown or wrong, the first of UTF-8, Windows-1251, KOI8-R that
    reads it, noted as a problem. Undeclared 8-bit text (declared US-ASCII or nothing) is tried the same way."""
    charset = (declared or "").strip().strip('"').lower() or None
    if charset in ("us-ascii", "ascii") and not payload.isascii():
        charset = None
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            problems.append(f"{what}: unknown charset {charset[:40]!r}")
            charset = None
    if charset is not None:
        try:
            return payload.decode(charset)
        except UnicodeDecodeError:
            problems.append(f"{what}: not valid {charset[:40]}")
    for candidate in _FALLBACK_CHARSETS:
        try:
            text = payload.decode(candidate)
        except UnicodeDecodeError:
            continue
        if declared and candidate != "utf-8":
            problems.append(f"{what}: read as {candidate}")
        return text
    problems.append(f"{what}: undecodable bytes replaced")
    return payload.decode("utf-8", errors="replace")


def _header(message: Message, name: str, problems: list[str]) -> str | None:
    """A header's decoded value; raw 8-bit bytes (which the parser keeps as surrogates) decoded like a body."""
    try:
        value = message.get(name)
    except Exception as exc:  # policy.default parses lazily and may raise on a malformed header
        problems.append(f"{name}: malformed header ({type(exc).__name__})")
        return None
    if value is None:
        return None
    text = str(value)
    source = _raw_header(message, name)
    if source is not None and _has_raw_8bit(source) and "=?" not in source:
        # Undeclared 8-bit bytes (a client writing Windows-1251 straight into the header): the parser kept them as
        # surrogates in the source and shows U+FFFD in the value; decode the bytes as a body would be.
        text = decode_text(source.encode("ascii", "surrogateescape"), None, problems, name)
    return " ".join(text.replace("\x00", "").split())


def _raw_header(message: Message, name: str) -> str | None:
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else None
    return None


def _has_raw_8bit(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _address(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    pairs = getaddresses([value])
    name, address = pairs[0] if pairs else parseaddr(value)
    address = address.strip().lower()
    if "@" not in address or len(address) > 254 or any(ch.isspace() for ch in address):
        return (name.strip() or None), None
    return (name.strip()[:200] or None), address


def _date(value: str | None, problems: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        problems.append("Date: not a date")
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _filename(part: Message, problems: list[str]) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        problems.append("attachment: malformed file name")
        return None
    if name is None:
        return None
    if _has_raw_8bit(name):
        name = decode_text(name.encode("ascii", "surrogateescape"), None, problems, "attachment name")
    # Only the last path component, without control characters: a name is shown, never used as a path.
    cleaned = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
    return cleaned[:255] or None


def _payload(part: Message, problems: list[str], content_type: str = "") -> bytes:
    if content_type == "message/rfc822" or part.is_multipart():
        try:
            inner = part.get_payload(0) if part.is_multipart() else part.get_payload()
            if isinstance(inner, Message):
                return inner.as_bytes(policy=policy.SMTP)
        except Exception:
            problems.append("attached message: could not be serialized")
        return b""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        problems.append(f"{content_type or 'part'}: undecodable transfer encoding")
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _leaves(message: Message) -> list[tuple[Message, str]]:
    """Leaf parts in order with their content type; an attached message (message/rfc822) counts as one leaf.

    (`policy.default` parses a header anew on every access, so each part's type is read once here.)"""
    out: list[tuple[Message, str]] = []
    stack = [message]
    while stack:
        part = stack.pop(0)
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part is not message:
            out.append((part, content_type))
        elif part.is_multipart():
            children = part.get_payload()
            stack[0:0] = (
                [child for child in children if isinstance(child, Message)] if isinstance(children, list) else []
            )
        else:
            out.append((part, content_type))
    return out


def _is_attachment(part: Message, content_type: str) -> bool:
    if content_type not in ("text/plain", "text/html"):
        return True
    if "Content-Disposition" not in part:
        return "name=" in (_raw_header(part, "Content-Type") or "").lower()
    disposition = str(part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
    return disposition == "attachment" or part.get_filename() is not None


def parse_message(raw: bytes, limits: Limits | None = None) -> ParsedMail:
    limits = limits or Limits()
    out = ParsedMail()
    problems = out.problems
    try:
        message: EmailMessage = BytesParser(policy=_POLICY).parsebytes(raw)  # type: ignore[assignment]
    except Exception as exc:  # the parser is lenient; this is the last line of defence
        problems.append(f"message could not be parsed ({type(exc).__name__})")
        return out
    if message.defects:
        problems.extend(f"MIME: {type(d).__name__}" for d in message.defects[:5])
    message_id = _raw_header(message, "Message-ID")
    if message_id and not _has_raw_8bit(message_id):
        out.message_id = " ".join(message_id.split()).strip("<>").strip()[:255] or None
    out.sender_name, out.sender_address = _address(_header(message, "From", problems))
    if out.sender_address is None:
        problems.append("From: no valid sender address")
    reply_to = _header(message, "Reply-To", problems)
    out.reply_to = _address(reply_to)[1] if reply_to else None
    subject = _header(message, "Subject", problems)
    out.subject = subject[:300] if subject else None
    out.sent_at = _date(_header(message, "Date", problems), problems)
    try:
        out.automatic = automatic_reason(message, out.sender_address)
    except Exception:
        problems.append("headers: could not tell whether the message is automatic")
    _read_parts(message, limits, out)
    out.language = detect_language(" ".join(filter(None, [out.subject, out.body_text])))
    return out


def _read_parts(message: Message, limits: Limits, out: ParsedMail) -> None:
    problems = out.problems
    plain: str | None = None
    html: str | None = None
    position = 0
    try:
        leaves = _leaves(message)
    except Exception:
        problems.append("MIME: structure could not be walked")
        leaves = [(message, "application/octet-stream")]
    for part, content_type in leaves:
        try:
            attachment = _is_attachment(part, content_type)
        except Exception:
            attachment = True
        if not attachment:
            text = decode_text(
                _payload(part, problems, content_type), part.get_content_charset(), problems, content_type
            )
            if content_type == "text/plain" and plain is None:
                plain = text
                continue
            if content_type == "text/html" and html is None:
                html = text
                continue
            # A second body part (a mail client splitting text around an image): kept as an attachment.
        position += 1
        data = _payload(part, problems, content_type)
        item = ParsedAttachment(
            position=position,
            filename=_filename(part, problems),
            content_type=content_type[:127],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
        )
        if position > limits.max_attachments:
            item.content, item.problem = None, f"over the limit of {limits.max_attachments} attachments: not stored"
        elif len(data) > limits.max_attachment_bytes:
            item.content, item.problem = None, f"over the size limit of {limits.max_attachment_bytes} bytes: not stored"
        if item.problem:
            problems.append(f"attachment {position}: {item.problem}")
        out.attachments.append(item)
    if plain is not None and plain.strip():
        body, out.body_source = plain, "plain"
    elif html is not None:
        try:
            body, out.body_source = html_to_text(html), "html"
        except Exception:
            problems.append("text/html: could not be turned into text")
            body = ""
    else:
        body = plain or ""
    body = body.replace("\r\n", "\n").replace("\x00", "").strip()
    if len(body) > MAX_BODY_CHARS:
        problems.append(f"text longer than {MAX_BODY_CHARS} characters: cut (the raw message holds all of it)")
        body = body[:MAX_BODY_CHARS]
    out.body_text = body or None
