"""The development mail sink: in development, mail that no SMTP server takes is kept instead of retried forever.

A newcomer running `make run` has no mail server; the message families would receive is written to
`var/mail/<time>-<kind>.eml` (readable with any mail client or `less`) and the log names the file, never its
contents. Production has no sink: it refuses to start without SMTP settings, and a failed send is retried.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from secrets import token_hex


def keep(message: EmailMessage, directory: Path, kind: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    safe_kind = "".join(c if c.isalnum() else "-" for c in kind)
    path = directory / f"{stamp}-{safe_kind}-{token_hex(3)}.eml"
    path.write_bytes(bytes(message))
    return path
